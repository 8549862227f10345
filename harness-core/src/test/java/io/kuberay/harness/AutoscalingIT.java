package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ray's own autoscaler on the emulated backend: the head pod's {@code autoscaler} container runs
 * {@code ray kuberay-autoscaler} against the emulated API server with the pod's service-account
 * token. Tasks that need more CPUs than the cluster has make it raise the group's replicas up to
 * {@code maxReplicas}; the operator creates the pods, the work finishes; idle workers go after
 * {@code idleTimeoutSeconds}, down to {@code minReplicas}. Only the handle's backend-neutral API is
 * used, so the same test can run on a real cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoscalingIT {

  static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: autoscaling
      spec:
        rayVersion: '2.52.0'
        enableInTreeAutoscaling: true
        autoscalerOptions:
          upscalingMode: Default
          idleTimeoutSeconds: 20
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
        - groupName: small
          replicas: 0
          minReplicas: 0
          maxReplicas: 2
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

  /**
   * Four one-CPU tasks of 10 s each: more than the head (0 CPUs) and the most the group can give at
   * once (2).
   */
  static final String DRIVER =
      String.join(
          "\n",
          "import ray, time",
          "ray.init()",
          "@ray.remote(num_cpus=1)",
          "def work(i):",
          "    time.sleep(10)",
          "    return i",
          "print('done', len(ray.get([work.remote(i) for i in range(4)])))");

  /**
   * Generous: on a 2-core machine shared with other builds a Ray node can take minutes to start.
   */
  private static final Duration START = Duration.ofMinutes(6);

  private static final Duration SCALE = Duration.ofMinutes(8);
  private static KubeRayEnvironment env;
  private static RayClusterHandle cluster;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    cluster = env.rayClusters().createFromYaml(CLUSTER);
    cluster.awaitReady(START);
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
      "demand beyond the cluster's CPUs: the autoscaler raises replicas to maxReplicas, the workers join, the work finishes")
  void scalesUpToMaxReplicas() throws Exception {
    assertThat(cluster.workerPods("small")).isEmpty();
    long submitted = System.nanoTime();
    CompletableFuture<ExecResult> driver =
        CompletableFuture.supplyAsync(
            () -> cluster.headPod().exec(List.of("python", "-c", DRIVER), SCALE.plus(START)));
    // The autoscaler asks for both workers at once (four tasks, two CPUs at most): they start
    // together.
    cluster.awaitWorkerPods("small", 2, SCALE);
    System.out.printf(
        "Pending demand -> new worker pods Ready: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted));
    ExecResult result = driver.get(SCALE.toMinutes() + START.toMinutes(), TimeUnit.MINUTES);
    assertThat(result.exitCode()).as("driver: %s", result).isZero();
    assertThat(result.stdout()).contains("done 4");
    assertThat(cluster.replicas("small")).isLessThanOrEqualTo(2);
    assertThat(cluster.scalingEvents()).filteredOn(ScalingEvent::up).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(2)
  @DisplayName(
      "idle workers: after idleTimeoutSeconds the autoscaler removes them down to minReplicas")
  void scalesDownWhenIdle() {
    cluster.awaitWorkerPods("small", 0, SCALE).awaitReplicas("small", 0, SCALE);
    assertThat(cluster.scalingEvents()).filteredOn(e -> !e.up()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(cluster.headPod().logs("autoscaler"))
        .as("the autoscaler container's own log")
        .isNotBlank();
  }
}
