package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GCS fault tolerance on real Ray against a real Redis (KubeRay v1.5.0's external-Redis sample:
 * Redis with its config from a ConfigMap and a password, as a Pod since the emulated cluster has no
 * Deployment controller, the RayCluster's {@code gcsFaultToleranceOptions} with the password from a
 * Secret). The head's GCS is killed; as on a real cluster the head container restarts, the new GCS
 * restores its state from Redis, the worker's raylet reconnects without a restart and a detached
 * actor on the worker keeps its state.
 */
class GcsFaultToleranceIT {

  private static final String OBJECTS =
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: redis-password-secret
      type: Opaque
      data:
        password: NTI0MTU5MDAwMDAwMDAwMA==
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: redis-config
        labels: {app: redis}
      data:
        redis.conf: |-
          dir /data
          port 6379
          bind 0.0.0.0
          appendonly yes
          protected-mode no
          requirepass 5241590000000000
          pidfile /data/redis-6379.pid
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: redis
        labels: {app: redis}
      spec:
        type: ClusterIP
        ports:
        - {name: redis, port: 6379}
        selector: {app: redis}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: redis
        labels: {app: redis}
      spec:
        containers:
        - name: redis
          image: redis:7.4.0
          command: [sh, -c, redis-server /usr/local/etc/redis/redis.conf]
          ports:
          - containerPort: 6379
          volumeMounts:
          - {name: config, mountPath: /usr/local/etc/redis/redis.conf, subPath: redis.conf}
        volumes:
        - name: config
          configMap: {name: redis-config}
      """;

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: external-redis
      spec:
        rayVersion: '2.52.0'
        gcsFaultToleranceOptions:
          redisAddress: redis:6379
          redisPassword:
            valueFrom:
              secretKeyRef: {name: redis-password-secret, key: password}
        headGroupSpec:
          rayStartParams:
            num-cpus: '0'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 2G}
                  requests: {cpu: 500m, memory: 1G}
        workerGroupSpecs:
        - groupName: small-group
          replicas: 1
          minReplicas: 1
          maxReplicas: 1
          rayStartParams:
            num-cpus: '1'
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 1G}
                  requests: {cpu: 500m, memory: 1G}
      """;

  private static final String CREATE_ACTOR =
      """
      import ray
      ray.init(namespace="ft")
      @ray.remote(num_cpus=1)
      class Counter:
          def __init__(self):
              self.value = 0
          def increment(self):
              self.value += 1
              return self.value
      c = Counter.options(name="counter", lifetime="detached").remote()
      print("count", ray.get(c.increment.remote()))
      """;

  private static final String INCREMENT =
      """
      import ray
      ray.init(namespace="ft")
      c = ray.get_actor("counter")
      print("count", ray.get(c.increment.remote(), timeout=60))
      print("alive", sum(1 for n in ray.nodes() if n["Alive"]))
      """;

  /** Generous: on a 2-core machine shared with other builds a Ray head can take minutes. */
  private static final Duration WAIT = Duration.ofMinutes(6);

  private static KubeRayEnvironment env;
  private static RayClusterHandle cluster;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    env.client().resourceList(OBJECTS).inNamespace("default").create();
    cluster = env.rayClusters().createFromYaml(CLUSTER);
    try {
      cluster.awaitReady(WAIT);
    } catch (WaitTimeoutException e) {
      throw new AssertionError(e.getMessage() + diagnostics(), e);
    }
  }

  /** What the Redis pod and the head said, for a failure message. */
  private static String diagnostics() {
    PodHandle redis = env.pod("default", "redis");
    String head;
    try {
      head = tail(cluster.headPod().logs());
    } catch (RuntimeException e) {
      head = e.getMessage();
    }
    return "\nRedis pod: "
        + PodHandle.describe(redis.get())
        + "\nRedis log:\n"
        + tail(redis.logs())
        + "\nHead log:\n"
        + head;
  }

  private static String tail(String log) {
    return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName(
      "kill -9 of the head's gcs_server: the head restarts from Redis, the worker stays, a detached actor keeps its state")
  void headGcsKilledWithExternalRedis() {
    PodHandle head = cluster.headPod();
    ExecResult redisAddress = head.execShell("echo \"$RAY_REDIS_ADDRESS\"");
    assertThat(redisAddress.stdout()).as("the head's RAY_REDIS_ADDRESS").contains("redis:6379");
    ExecResult created = head.exec("python", "-c", CREATE_ACTOR);
    assertThat(created.stdout()).as(created.stderr()).contains("count 1");
    String worker = cluster.workerPods().get(0).name();

    ExecResult kill =
        head.execShell(
            "pid=$(pgrep -f -- \"gcs_server_port=${RAY_ADDRESS##*:}( |$)\"); "
                + "test -n \"$pid\" && kill -9 $pid && echo killed $pid");
    assertThat(kill.stdout()).as(kill.stderr()).contains("killed");
    long start = System.nanoTime();
    Waits.until(
        "head pod default/" + head.name(),
        "restartCount 1",
        WAIT,
        () -> env.client().pods().inNamespace("default").withName(head.name()).get(),
        p -> restartCount(p) >= 1,
        p -> String.valueOf(p.getStatus()),
        null);
    cluster.awaitReady(WAIT);
    ExecResult after =
        Waits.until(
            "detached actor ft/counter of RayCluster default/external-redis",
            "its state (count 2) after the head restart",
            WAIT,
            () -> cluster.headPod().exec("python", "-c", INCREMENT),
            r -> r.stdout().contains("count 2"),
            r -> r.stdout() + r.stderr(),
            r -> r.stdout().contains("count 1") || r.stdout().contains("count 3"));
    System.out.printf(
        "[gcs-ft] gcs_server kill -9 -> ready, actor state back in %d ms%n",
        (System.nanoTime() - start) / 1_000_000);
    assertThat(after.stdout()).contains("alive 2");
    Pod workerPod = env.client().pods().inNamespace("default").withName(worker).get();
    assertThat(workerPod).as("the worker pod of before the restart").isNotNull();
    assertThat(restartCount(workerPod)).as("worker container restarts").isZero();
  }

  private static int restartCount(Pod p) {
    return p.getStatus().getContainerStatuses().get(0).getRestartCount();
  }
}
