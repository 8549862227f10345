package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * GCS fault tolerance on real Ray against a real Redis (KubeRay v1.5.0's external-Redis sample:
 * Redis with its config from a ConfigMap and a password, as a Pod since the emulated cluster has no
 * Deployment controller, the RayCluster's {@code gcsFaultToleranceOptions} with the password from a
 * Secret). The head's GCS is killed; as on a real cluster the head container restarts, the new GCS
 * restores its state from Redis, the worker's raylet reconnects without a restart and a detached
 * actor on the worker keeps its state. Deleting the RayCluster then runs KubeRay's Redis cleanup:
 * the finalizer holds the cluster until the {@code <cluster>-redis-cleanup} Job, run by the
 * emulated node with the head image's Ray, has deleted the cluster's storage namespace from Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
  @Order(1)
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

  @Test
  @Order(2)
  @DisplayName(
      "deleting the RayCluster: finalizer, redis-cleanup Job run with the head's Ray, keys gone from"
          + " Redis, then the RayCluster and the Job")
  void deletionCleansRedis() {
    GenericKubernetesResource rc = rayCluster();
    assertThat(rc.getMetadata().getFinalizers())
        .containsExactly("ray.io/gcs-ft-redis-cleanup-finalizer");
    String storageNamespace = rc.getMetadata().getUid();
    assertThat(redisKeys())
        .as("GCS tables under the storage namespace %s before the deletion", storageNamespace)
        .anyMatch(k -> k.contains(storageNamespace));

    long start = System.nanoTime();
    cluster.delete();
    // Polled as Optional: Waits treats a null value as "not there yet".
    Waits.until(
        "RayCluster default/external-redis",
        "gone once its Redis cleanup Job has finished",
        WAIT,
        () -> Optional.ofNullable(rayCluster()),
        Optional::isEmpty,
        r -> r.map(c -> c.getMetadata() + " jobs: " + jobsAndPods()).orElse("gone"),
        null);
    System.out.printf(
        "[gcs-ft] delete -> cleanup Job done, RayCluster gone in %d ms%n",
        (System.nanoTime() - start) / 1_000_000);

    List<String> left = redisKeys();
    assertThat(left)
        .as("Redis keys of the storage namespace %s after the cleanup", storageNamespace)
        .noneMatch(k -> k.contains(storageNamespace));
    assertThat(events("CreatedRedisCleanupJob"))
        .extracting(Event::getMessage)
        .containsExactly("Created Redis cleanup Job default/external-redis-redis-cleanup");
    List<Event> jobEvents =
        env.client().v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "external-redis-redis-cleanup".equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(jobEvents)
        .extracting(Event::getReason)
        .as("the Job controller's events")
        .contains("SuccessfulCreate", "Completed");
    Waits.until(
        "Job default/external-redis-redis-cleanup",
        "collected with its RayCluster",
        WAIT,
        () ->
            Optional.ofNullable(
                env.client()
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace("default")
                    .withName("external-redis-redis-cleanup")
                    .get()),
        Optional::isEmpty,
        j -> j.map(x -> String.valueOf(x.getStatus())).orElse("gone"),
        null);
  }

  /** The RayCluster as stored now, or null once it is gone. */
  private static GenericKubernetesResource rayCluster() {
    return env.client()
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("ray.io")
                .withVersion("v1")
                .withKind("RayCluster")
                .withPlural("rayclusters")
                .withNamespaced(true)
                .build())
        .inNamespace("default")
        .withName("external-redis")
        .get();
  }

  /** Every key of the Redis pod, through redis-cli in the pod. */
  private static List<String> redisKeys() {
    ExecResult r =
        env.pod("default", "redis")
            .exec("redis-cli", "-a", "5241590000000000", "--no-auth-warning", "--scan");
    assertThat(r.exitCode()).as("redis-cli --scan: " + r.stderr()).isZero();
    return Arrays.stream(r.stdout().split("\n")).filter(k -> !k.isBlank()).toList();
  }

  private static List<Event> events(String reason) {
    return env.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static String jobsAndPods() {
    StringBuilder out = new StringBuilder();
    env.client()
        .batch()
        .v1()
        .jobs()
        .inNamespace("default")
        .list()
        .getItems()
        .forEach(j -> out.append(j.getMetadata().getName()).append(' ').append(j.getStatus()));
    env.client()
        .pods()
        .inNamespace("default")
        .withLabel("ray.io/node-type", "redis-cleanup")
        .list()
        .getItems()
        .forEach(
            p -> {
              out.append("\npod ").append(PodHandle.describe(p));
              try {
                out.append("\nlog: ")
                    .append(tail(env.pod("default", p.getMetadata().getName()).logs()));
              } catch (RuntimeException e) {
                out.append("\nlog: ").append(e.getMessage());
              }
            });
    return out.toString();
  }

  private static int restartCount(Pod p) {
    return p.getStatus().getContainerStatuses().get(0).getRestartCount();
  }
}
