package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;

/**
 * Generic Kubernetes steps: namespace, settings, keeping resources, creating a resource from YAML.
 */
public class KubernetesSteps {

  private final KubeRayWorld world;

  public KubernetesSteps(KubeRayWorld world) {
    this.world = world;
  }

  /**
   * Works in this namespace (created if missing, never deleted); what the scenario creates in it is
   * deleted.
   */
  @Given("the Kubernetes namespace {string}")
  public void namespace(String name) {
    world.useNamespace(name, false);
  }

  /**
   * A namespace scenarios share, e.g. to reuse one Ray cluster: neither it nor anything created in
   * it is deleted.
   */
  @Given("the shared Kubernetes namespace {string}")
  public void sharedNamespace(String name) {
    world.useNamespace(name, true);
  }

  @Given("the Kubernetes resources are kept after the scenario")
  public void keepResources() {
    world.keepResources();
  }

  @Given("commands in pods time out after {kuberayDuration}")
  public void execTimeout(Duration timeout) {
    world.execTimeout(timeout);
  }

  /** For steps whose sentence has no duration, e.g. finding the pod with a label. */
  @Given("steps without a stated duration wait up to {kuberayDuration}")
  public void defaultWait(Duration timeout) {
    world.defaultWait(timeout);
  }

  /**
   * Creates one object from the YAML doc string in the scenario's namespace (if it is namespaced).
   */
  @When("I create the Kubernetes resource:")
  public void createResource(String yaml) {
    HasMetadata created = world.client().resource(yaml).inNamespace(world.namespace()).create();
    world.created(created);
    world.log(
        "Created "
            + created.getKind()
            + " "
            + world.namespace()
            + "/"
            + created.getMetadata().getName());
    if ("RayCluster".equals(created.getKind())) {
      world.cluster(created.getMetadata().getName());
    }
  }
}
