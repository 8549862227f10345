package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Then;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.Waits;
import io.kuberay.harness.ray.JobStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * RayJob custom resources, read through the plain Kubernetes API ({@code ray.io/v1 RayJob}); create
 * them with "When I create the Kubernetes resource:". Candidate for a RayJob handle in
 * harness-core.
 */
public class RayJobResourceSteps {

  /** {@code status.jobDeploymentStatus} values after which nothing changes any more. */
  private static final Set<String> FINAL_DEPLOYMENT_STATUSES = Set.of("Complete", "Failed");

  private final KubeRayWorld world;

  public RayJobResourceSteps(KubeRayWorld world) {
    this.world = world;
  }

  @Then("the RayJob {string} reaches job status {kuberayJobStatus} within {kuberayDuration}")
  public void jobStatus(String name, JobStatus expected, Duration timeout) {
    awaitStatus(
        name,
        "jobStatus",
        expected.name(),
        timeout,
        s -> !s.equals(expected.name()) && isTerminalJobStatus(s));
  }

  /** E.g. {@code Complete}, {@code Failed}, {@code Running}, {@code Initializing}. */
  @Then("the RayJob {string} reaches deployment status {string} within {kuberayDuration}")
  public void deploymentStatus(String name, String expected, Duration timeout) {
    awaitStatus(
        name,
        "jobDeploymentStatus",
        expected,
        timeout,
        s -> !s.equals(expected) && FINAL_DEPLOYMENT_STATUSES.contains(s));
  }

  private void awaitStatus(
      String name,
      String field,
      String expected,
      Duration timeout,
      Predicate<String> terminalOther) {
    String ns = world.namespace();
    Waits.until(
        "RayJob " + ns + "/" + name,
        "status." + field + " " + expected,
        timeout,
        () ->
            world
                .client()
                .genericKubernetesResources("ray.io/v1", "RayJob")
                .inNamespace(ns)
                .withName(name)
                .get(),
        (GenericKubernetesResource job) -> expected.equals(field(job, field)),
        job -> "status " + status(job),
        (GenericKubernetesResource job) -> terminalOther.test(field(job, field)));
  }

  private static boolean isTerminalJobStatus(String s) {
    return Arrays.stream(JobStatus.values()).anyMatch(j -> j.name().equals(s) && j.isTerminal());
  }

  private static String field(GenericKubernetesResource job, String field) {
    return Objects.toString(status(job).get(field), "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource job) {
    Object s = job.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
