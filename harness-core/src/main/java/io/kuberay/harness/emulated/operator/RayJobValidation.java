package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.emulated.operator.deletion.DeletionStrategyValidation;
import io.kuberay.harness.emulated.support.Dns1035Label;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.ray.RayAuthToken;
import java.util.Map;
import java.util.Optional;

/**
 * What the RayJob controller checks before reconciling: v1.5.0's and v1.7.0's {@code
 * ValidateRayJobMetadata}, {@code ValidateRayJobSpec} (which includes the cluster spec's rules) and
 * {@code ValidateRayJobStatus}, and v1.1.0's {@code validateRayJobSpec}. The RayJobDeletionPolicy
 * gate as the operator's options set it.
 */
final class RayJobValidation {

  /** A RayJob's cluster is named {@code <job>-xxxxx}: 6 characters fewer than a cluster's 53. */
  static final int MAX_NAME_LENGTH = RayClusterValidation.MAX_NAME_LENGTH - 6;

  /** The event reason (v1.5.0+) and the error. */
  record Violation(String reason, String message) {}

  private RayJobValidation() {}

  static Optional<Violation> check(OperatorFlavor flavor, RayJobView job) {
    if (!flavor.validatesClusters()) {
      return legacySpecError(job).map(m -> new Violation("", m));
    }
    String name = job.name();
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          new Violation(
              "InvalidRayJobMetadata",
              "The RayJob metadata is invalid: RayJob name should be no more than "
                  + MAX_NAME_LENGTH
                  + " characters"));
    }
    Optional<String> label = Dns1035Label.errors(name);
    if (label.isPresent()) {
      return Optional.of(
          new Violation(
              "InvalidRayJobMetadata",
              "The RayJob metadata is invalid: RayJob name should be a valid DNS1035 label: "
                  + label.get()));
    }
    Optional<String> spec = specError(flavor, job);
    if (spec.isPresent()) {
      return Optional.of(new Violation("InvalidRayJobSpec", spec.get()));
    }
    if ("Waiting".equals(job.deploymentStatus()) && !job.interactiveMode()) {
      return Optional.of(
          new Violation(
              "InvalidRayJobStatus",
              "The RayJob status is invalid: JobDeploymentStatus cannot be `Waiting` when SubmissionMode is not InteractiveMode"));
    }
    return Optional.empty();
  }

  private static Optional<String> specError(OperatorFlavor flavor, RayJobView job) {
    Map<String, Object> spec = job.spec();
    boolean shutdown = job.shutdownAfterJobFinishes();
    boolean suspend = Maps.bool(spec, "suspend");
    if (suspend && !shutdown) {
      return Optional.of(
          "The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended");
    }
    if (job.ttlSecondsAfterFinished() < 0) {
      return Optional.of(
          "The RayJob spec is invalid: TTLSecondsAfterFinished must be a non-negative integer");
    }
    if (!shutdown && job.ttlSecondsAfterFinished() > 0) {
      return Optional.of(
          "The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false cannot have TTLSecondsAfterFinished");
    }
    Optional<String> deletion =
        new DeletionStrategyValidation(
                flavor.rayJobDeletionPolicyGate(), flavor.deletionRulesMatchDeploymentStatus())
            .check(spec);
    if (deletion.isPresent()) {
      return deletion;
    }
    boolean selectorMode = spec.get("clusterSelector") instanceof Map<?, ?> m && !m.isEmpty();
    if (suspend && selectorMode) {
      return Optional.of(
          "The RayJob spec is invalid: the ClusterSelector mode doesn't support the suspend operation");
    }
    if (spec.get("rayClusterSpec") == null && !selectorMode) {
      return Optional.of(
          "The RayJob spec is invalid: one of RayClusterSpec or ClusterSelector must be set");
    }
    Optional<Integer> backoff = Maps.integer(spec, "backoffLimit");
    if (selectorMode) {
      if (job.selectedCluster().orElse("").isEmpty()) {
        return Optional.of("cluster name in ClusterSelector should not be empty");
      }
      if (job.sidecarMode()) {
        return Optional.of("ClusterSelector is not supported in SidecarMode");
      }
      if (flavor.validatesReplicaBounds() && backoff.orElse(0) > 0) {
        return Optional.of(
            "The RayJob spec is invalid: BackoffLimit is incompatible with ClusterSelector mode");
      }
    }
    if (job.interactiveMode() && backoff.orElse(0) > 0) {
      return Optional.of(
          "The RayJob spec is invalid: BackoffLimit is incompatible with InteractiveMode");
    }
    if (job.sidecarMode()) {
      if (spec.get("submitterPodTemplate") != null) {
        return Optional.of("Currently, SidecarMode doesn't support SubmitterPodTemplate");
      }
      if (spec.get("submitterConfig") != null) {
        return Optional.of("Currently, SidecarMode doesn't support SubmitterConfig");
      }
      Object policy =
          Maps.get(spec, "rayClusterSpec", "headGroupSpec", "template", "spec", "restartPolicy");
      if (policy != null && !"".equals(policy) && !"Never".equals(policy)) {
        return Optional.of(
            "restartPolicy for head Pod should be Never or unset when using SidecarMode");
      }
    }
    if (spec.get("rayClusterSpec") != null) {
      if (flavor.tokenAuth() && RayAuthToken.k8sDelegated(Maps.map(spec.get("rayClusterSpec")))) {
        return Optional.of(
            "The RayJob spec is invalid: K8s token auth mode is currently not supported for RayJob");
      }
      Optional<String> cluster =
          RayClusterValidation.specError(
              flavor, Maps.map(spec.get("rayClusterSpec")), annotations(job));
      if (cluster.isPresent()) {
        return Optional.of("The RayJob spec is invalid: " + cluster.get());
      }
    }
    Optional<Integer> deadline = job.activeDeadlineSeconds();
    if (deadline.isPresent() && deadline.get() <= 0) {
      return Optional.of(
          "The RayJob spec is invalid: activeDeadlineSeconds must be a positive integer");
    }
    Optional<Integer> preRunning = Maps.integer(spec, "preRunningDeadlineSeconds");
    if (flavor.validatesReplicaBounds() && preRunning.isPresent() && preRunning.get() <= 0) {
      return Optional.of(
          "The RayJob spec is invalid: preRunningDeadlineSeconds must be a positive integer");
    }
    if (backoff.isPresent() && backoff.get() < 0) {
      return Optional.of("The RayJob spec is invalid: backoffLimit must be a positive integer");
    }
    return Optional.empty();
  }

  /** v1.1.0: logged and requeued, no event and no status change. */
  private static Optional<String> legacySpecError(RayJobView job) {
    Map<String, Object> spec = job.spec();
    boolean suspend = Maps.bool(spec, "suspend");
    boolean selectorMode = spec.get("clusterSelector") instanceof Map<?, ?> m && !m.isEmpty();
    if (suspend && !job.shutdownAfterJobFinishes()) {
      return Optional.of(
          "a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended");
    }
    if (suspend && selectorMode) {
      return Optional.of("the ClusterSelector mode doesn't support the suspend operation");
    }
    if (spec.get("rayClusterSpec") == null && !selectorMode) {
      return Optional.of("one of RayClusterSpec or ClusterSelector must be set");
    }
    Optional<Integer> deadline = job.activeDeadlineSeconds();
    if (deadline.isPresent() && deadline.get() <= 0) {
      return Optional.of("activeDeadlineSeconds must be a positive integer");
    }
    return Optional.empty();
  }

  private static Map<String, String> annotations(RayJobView job) {
    Map<String, String> a = job.resource().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
