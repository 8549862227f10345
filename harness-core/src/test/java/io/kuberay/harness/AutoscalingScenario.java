package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scale tests against Ray's own autoscaler, written once for every backend: {@code
 * AutoscalingIT} runs them on the emulated backend, harness-k3s's {@code K3sAutoscalingIT} on k3s
 * with the real KubeRay operator (this class is in harness-core's test jar for it). Tasks that need
 * more CPUs than the cluster has make the autoscaler raise the group's replicas up to {@code
 * maxReplicas}, the operator creates the pods, the work finishes; idle workers go after {@code
 * idleTimeoutSeconds}, down to {@code minReplicas}; {@code workersToDelete} removes exactly the
 * named pods. Only the handle's backend-neutral API is used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AutoscalingScenario {

  /**
   * Name, the group's replicas, the idle timeout. CPU requests are small (Ray's CPUs follow the
   * limits) so that head, autoscaler and two workers fit a 2-CPU k3s node next to the operator.
   *
   * <p>The head's dashboard starts nine module subprocesses and gives up after 30 s (Ray's {@code
   * RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT}) when one is not up by then: on a loaded
   * 2-core machine, with the head held to one CPU and workers starting beside it, that happened
   * ("Module MetricsHead failed to start. Timeout after 30.0 seconds." in dashboard.log). The
   * dashboard then serves no port 8265, so KubeRay's head probe ({@code /api/gcs_healthz}) fails
   * until the liveness probe restarts the container after 10 minutes. 300 s rides that out.
   */
  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: %s
      spec:
        rayVersion: '2.52.0'
        enableInTreeAutoscaling: true
        autoscalerOptions:
          upscalingMode: Default
          idleTimeoutSeconds: %d
          resources:
            limits: {cpu: 500m, memory: 1Gi}
            requests: {cpu: 100m, memory: 512Mi}
        headGroupSpec:
          rayStartParams:
            num-cpus: '0'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                env:
                - name: RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT
                  value: '300'
                resources:
                  limits: {cpu: '1', memory: 2G}
                  requests: {cpu: 200m, memory: 1G}
        workerGroupSpecs:
        - groupName: small
          replicas: %d
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
                  requests: {cpu: 200m, memory: 1G}
      """;

  /**
   * Four one-CPU tasks of 10 s each: more than the head (0 CPUs) and the most the group can give at
   * once (2).
   */
  private static final String DRIVER =
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
   * Generous: on a 2-core machine shared with other builds a Ray node can take minutes to start,
   * and a real head minutes more to pass its probes.
   */
  private static final Duration START = Duration.ofMinutes(8);

  private static final Duration SCALE = Duration.ofMinutes(8);
  private KubeRayEnvironment env;
  private String namespace;
  private RayClusterHandle cluster;

  /** The environment to run in (KubeRay v1.5.0, Ray processes required); closed after the tests. */
  protected abstract KubeRayEnvironment startEnvironment();

  /** A label for the printed figures, e.g. {@code emulated}. */
  protected abstract String backendName();

  @BeforeAll
  void start() {
    env = startEnvironment();
    namespace = env.createNamespace("autoscaling");
    cluster =
        env.rayClusters()
            .inNamespace(namespace)
            .createFromYaml(CLUSTER.formatted("autoscaling", 20, 0));
    cluster.awaitReady(START);
  }

  @AfterAll
  void stop() {
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
        "[%s] Pending demand -> 2 new worker pods Ready: %d ms%n",
        backendName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted));
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
    // The operator records each deletion's event just after its delete call, so the last pod can
    // be gone before its event is there (a local CI run saw one of two).
    Awaitility.await("two scale-down events of " + cluster)
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(cluster.scalingEvents())
                    .filteredOn(e -> !e.up())
                    .hasSizeGreaterThanOrEqualTo(2));
    assertThat(cluster.headPod().logs("autoscaler"))
        .as("the autoscaler container's own log")
        .isNotBlank();
    // Its file log goes into the session of the /tmp/ray it shares with the Ray container, while
    // workers started and stopped beside it.
    assertThat(cluster.headPod().execShell("ls /tmp/ray/session_latest/logs").stdout())
        .as("the head's /tmp/ray/session_latest/logs")
        .contains("monitor.log", "raylet.out");
  }

  @Test
  @Order(3)
  @DisplayName(
      "workersToDelete: the operator removes exactly the named worker and the autoscaler keeps the rest")
  protected void workersToDeleteRemovesExactlyTheNamedPods() {
    // Its own cluster, started with two workers and an idle timeout that outlasts the test, so
    // that the autoscaler leaves them be; the first cluster goes to make room on a 2-CPU node.
    cluster.delete();
    RayClusterHandle kept =
        env.rayClusters()
            .inNamespace(namespace)
            .createFromYaml(CLUSTER.formatted("named-deletes", 3600, 2));
    kept.awaitReady(START).awaitWorkerPods("small", 2, SCALE);
    List<String> before = workerNames(kept);
    String victim = before.get(0);

    kept.deleteWorkers("small", List.of(victim));

    kept.awaitWorkerPods("small", 1, SCALE);
    assertThat(workerNames(kept))
        .as("exactly the named pod went")
        .containsExactlyElementsOf(before.stream().filter(n -> !n.equals(victim)).toList());
    assertThat(kept.replicas("small")).isEqualTo(1);
    // The operator records its event just after the delete call.
    Awaitility.await("the scale-down event naming " + victim)
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(kept.scalingEvents())
                    .anySatisfy(
                        e -> {
                          assertThat(e.up()).isFalse();
                          assertThat(e.message()).endsWith(victim);
                        }));
    // Nothing asks for more CPUs: the remaining worker stays, and no new one comes.
    List<String> after = workerNames(kept);
    Awaitility.await("the worker pods of " + kept + " to stay " + after)
        .during(Duration.ofSeconds(15))
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> workerNames(kept).equals(after));
  }

  private static List<String> workerNames(RayClusterHandle cluster) {
    return cluster.workerPods("small").stream().map(PodHandle::name).sorted().toList();
  }
}
