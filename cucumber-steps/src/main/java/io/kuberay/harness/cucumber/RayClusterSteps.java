package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterChart;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.RayClusterStatus;
import io.kuberay.harness.WaitTimeoutException;
import io.kuberay.harness.Waits;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** KubeRay: the operator, the ray-cluster chart, RayCluster readiness and scaling. */
public class RayClusterSteps {

  private static final String OPERATOR_LABEL = "app.kubernetes.io/component";

  private final KubeRayWorld world;

  public RayClusterSteps(KubeRayWorld world) {
    this.world = world;
  }

  /**
   * Uses the shared environment with this install; the backend follows {@code -Dkuberay.backend}
   * and friends.
   */
  @Given("the KubeRay operator {kuberayVersion} is installed with {kuberayInstallMethod}")
  public void operator(KubeRayVersion version, InstallMethod method) {
    world.useOperator(version, method);
    KubeRayEnvironment env = world.environment();
    world.log(
        "KubeRay "
            + env.kuberayVersion()
            + " ("
            + method
            + ") on the "
            + env.backendType().id()
            + " backend; operator in "
            + env.operatorNamespace());
  }

  /**
   * Version and install method from {@code kuberay.version} / {@code kuberay.install} or the
   * defaults.
   */
  @Given("the KubeRay operator is installed")
  public void operator() {
    KubeRayEnvironment env = world.environment();
    world.log(
        "KubeRay "
            + env.kuberayVersion()
            + " on the "
            + env.backendType().id()
            + " backend; operator in "
            + env.operatorNamespace());
  }

  @Then("the KubeRay operator is running and ready within {kuberayDuration}")
  public void operatorReady(Duration timeout) {
    String ns = world.environment().operatorNamespace();
    Waits.until(
        "KubeRay operator pods (" + OPERATOR_LABEL + "=kuberay-operator) in namespace " + ns,
        "at least one, all running and ready",
        timeout,
        () ->
            world
                .client()
                .pods()
                .inNamespace(ns)
                .withLabel(OPERATOR_LABEL, "kuberay-operator")
                .list()
                .getItems(),
        (List<Pod> pods) ->
            !pods.isEmpty() && pods.stream().allMatch(PodState.RUNNING_AND_READY::matches),
        PodSummaries::of,
        null);
  }

  /**
   * What {@code helm install <release> kuberay/ray-cluster --version <version>} creates with the
   * chart's defaults, running the environment's Ray image (as {@code --set image.tag=...}).
   */
  @When("I install the ray-cluster chart {kuberayVersion} as release {string}")
  public void installChart(KubeRayVersion version, String release) {
    install(RayClusterChart.release(release, version));
  }

  /**
   * The same with {@code --set} values: a table of key and value rows, e.g. {@code |
   * head.resources.requests.cpu | 500m |}.
   */
  @When("I install the ray-cluster chart {kuberayVersion} as release {string} with values:")
  public void installChart(KubeRayVersion version, String release, Map<String, String> values) {
    install(chart(version, release, values));
  }

  /**
   * Idempotent: reuses the release's RayCluster when the namespace already has it (e.g. a shared
   * namespace).
   */
  @Given("the ray-cluster chart {kuberayVersion} is installed as release {string}")
  public void chartInstalled(KubeRayVersion version, String release) {
    installedOnce(RayClusterChart.release(release, version));
  }

  /** Idempotent, with {@code --set} values (a table of key and value rows). */
  @Given("the ray-cluster chart {kuberayVersion} is installed as release {string} with values:")
  public void chartInstalled(KubeRayVersion version, String release, Map<String, String> values) {
    installedOnce(chart(version, release, values));
  }

  private static RayClusterChart chart(
      KubeRayVersion version, String release, Map<String, String> values) {
    RayClusterChart chart = RayClusterChart.release(release, version);
    for (Map.Entry<String, String> value : values.entrySet()) {
      chart = chart.set(value.getKey(), value.getValue());
    }
    return chart;
  }

  private void installedOnce(RayClusterChart chart) {
    String name = chart.toSpec().name();
    boolean exists =
        world.environment().rayClusters().inNamespace(world.namespace()).list().stream()
            .anyMatch(c -> c.name().equals(name));
    if (exists) {
      world.cluster(name);
      world.log("Reusing RayCluster " + world.namespace() + "/" + name);
    } else {
      install(chart);
    }
  }

  private void install(RayClusterChart chart) {
    RayClusterHandle created =
        world.environment().rayClusters().inNamespace(world.namespace()).install(chart);
    world.created(created.get());
    world.current(created);
    world.log(
        "Created RayCluster "
            + created.namespace()
            + "/"
            + created.name()
            + " ("
            + chart
            + ", image "
            + world.environment().rayImage()
            + " unless set)");
  }

  @Then("the RayCluster {string} is ready within {kuberayDuration}")
  public void ready(String name, Duration timeout) {
    world.cluster(name).awaitReady(timeout);
  }

  /**
   * Waits the whole duration and records the readiness wait's timeout message for the next steps.
   */
  @Then("the RayCluster {string} is still not ready after {kuberayDuration}")
  public void neverReady(String name, Duration duration) {
    RayClusterHandle cluster = world.cluster(name);
    long start = System.nanoTime();
    try {
      cluster.awaitReady(duration);
    } catch (WaitTimeoutException expected) {
      world.timeoutMessage(expected.getMessage());
      world.log("As expected: " + expected.getMessage());
      return;
    }
    throw new AssertionError(
        cluster
            + ": expected it to stay not ready for "
            + duration
            + ", but it became ready after "
            + Duration.ofNanos(System.nanoTime() - start).toMillis()
            + " ms. Status: "
            + cluster.status());
  }

  @Then("the timeout message contains {string}")
  public void timeoutMessageContains(String text) {
    String message = world.timeoutMessage();
    if (!message.contains(text)) {
      throw new AssertionError(
          "The timeout message does not contain '" + text + "'. It was:\n" + message);
    }
  }

  @When("I scale worker group {string} of the RayCluster {string} to {int} replica(s)")
  public void scale(String group, String name, int replicas) {
    world.cluster(name).scaleWorkerGroup(group, replicas);
  }

  @Then("the RayCluster {string} has {int} available worker(s) within {kuberayDuration}")
  public void availableWorkers(String name, int count, Duration timeout) {
    RayClusterHandle cluster = world.cluster(name);
    Waits.until(
        cluster.toString(),
        "status.availableWorkerReplicas " + count,
        timeout,
        cluster::status,
        (RayClusterStatus s) -> s.availableWorkerReplicas() == count,
        RayClusterStatus::toString,
        null);
  }
}
