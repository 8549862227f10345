package io.kuberay.harness.emulated.operator.deletion;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Complete or Failed RayJob's {@code spec.deletionStrategy} deletes, as {@code
 * rayjob_controller.go} of v1.5.0 and v1.7.0 does it ({@code handleDeletionRules}, {@code
 * handleLegacyDeletionPolicy}, {@code executeDeletionPolicy}): at most one deletion per reconcile,
 * and when to look again for what is not due yet. The caller checks the feature gate and leaves a
 * clusterSelector's RayCluster alone, as the controller does before.
 */
public final class RayJobDeletion {

  /** {@code requeueDelayFor}: a due time is looked at 2 s after it. */
  private static final Duration REQUEUE_BUFFER = Duration.ofSeconds(2);

  /** A failed write: Go returns the error and controller-runtime retries it soon. */
  private static final Duration RETRY = Duration.ofMillis(20);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final boolean deploymentStatusConditions;

  /**
   * @param deploymentStatusConditions v1.6.0+: a rule may name a jobDeploymentStatus instead of a
   *     jobStatus
   */
  public RayJobDeletion(
      KubernetesClient client, EventRecorder events, boolean deploymentStatusConditions) {
    this.client = client;
    this.events = events;
    this.deploymentStatusConditions = deploymentStatusConditions;
  }

  /**
   * Carries out what is due for the ended RayJob at {@code now}; {@code deleteCluster} is the
   * controller's {@code deleteClusterResources} (the RayCluster deleted, with its event). Returns
   * when to reconcile the RayJob again, if something is still to come or a write failed.
   */
  public Optional<Duration> reconcile(
      GenericKubernetesResource rayJob, Runnable deleteCluster, Instant now) {
    Map<String, Object> strategy =
        Maps.map(Maps.get(rayJob.getAdditionalProperties(), "spec", "deletionStrategy"));
    Map<String, Object> status = Maps.map(rayJob.getAdditionalProperties().get("status"));
    Instant end = Maps.string(status, "endTime").map(Instant::parse).orElse(now);
    // Validation lets through either rules or both legacy policies, never both.
    if (strategy.get("deletionRules") != null) {
      return rules(rayJob, DeletionRule.of(strategy), status, end, deleteCluster, now);
    }
    return legacy(rayJob, strategy, status, end, deleteCluster, now);
  }

  /**
   * {@code handleDeletionRules}: of the matching rules that are due and not yet done, the most
   * impactful runs; the earliest rule not yet due sets the next look.
   */
  private Optional<Duration> rules(
      GenericKubernetesResource rayJob,
      List<DeletionRule> rules,
      Map<String, Object> status,
      Instant end,
      Runnable deleteCluster,
      Instant now) {
    Instant next = null;
    List<DeletionRule> overdue = new ArrayList<>();
    for (DeletionRule rule : rules) {
      if (!rule.matches(status, deploymentStatusConditions)) {
        continue;
      }
      Instant due = rule.due(end);
      if (now.isBefore(due)) {
        if (next == null || due.isBefore(next)) {
          next = due;
        }
        continue;
      }
      if (!completed(rayJob, rule.policy())) {
        overdue.add(rule);
      }
    }
    if (!overdue.isEmpty()) {
      Optional<Duration> retry = execute(rayJob, mostImpactful(overdue).policy(), deleteCluster);
      if (retry.isPresent()) {
        return retry;
      }
    }
    return next == null ? Optional.empty() : Optional.of(requeueDelay(next, now));
  }

  /**
   * {@code handleLegacyDeletionPolicy}: onSuccess or onFailure by the Ray job's status (neither for
   * STOPPED or none), due {@code spec.ttlSecondsAfterFinished} after the end. Done again on every
   * later reconcile, as in Go, where each repeat is a no-op or an event more.
   */
  private Optional<Duration> legacy(
      GenericKubernetesResource rayJob,
      Map<String, Object> strategy,
      Map<String, Object> status,
      Instant end,
      Runnable deleteCluster,
      Instant now) {
    String key =
        switch (Maps.string(status, "jobStatus").orElse("")) {
          case "SUCCEEDED" -> "onSuccess";
          case "FAILED" -> "onFailure";
          default -> null;
        };
    if (key == null) {
      return Optional.empty();
    }
    String policy = Maps.string(strategy, key, "policy").orElse("DeleteNone");
    if (policy.equals("DeleteNone")) {
      return Optional.empty();
    }
    int ttl =
        Maps.integer(
                Maps.map(rayJob.getAdditionalProperties().get("spec")), "ttlSecondsAfterFinished")
            .orElse(0);
    Instant shutdown = end.plusSeconds(ttl);
    if (shutdown.isAfter(now)) {
      return Optional.of(requeueDelay(shutdown, now));
    }
    return execute(rayJob, policy, deleteCluster);
  }

  /** {@code executeDeletionPolicy}; a retry delay when its write failed. */
  private Optional<Duration> execute(
      GenericKubernetesResource rayJob, String policy, Runnable deleteCluster) {
    switch (policy) {
      case "DeleteCluster" -> deleteCluster.run();
      case "DeleteWorkers" -> {
        if (!suspendWorkerGroups(rayJob)) {
          return Optional.of(RETRY);
        }
      }
      case "DeleteSelf" ->
          // Its finalizer is the controller's to remove; the garbage collector then takes the
          // cluster and the submitter.
          client
              .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
              .inNamespace(rayJob.getMetadata().getNamespace())
              .withName(rayJob.getMetadata().getName())
              .delete();
      default -> {
        // DeleteNone; the CRD's enum allows no other policy.
      }
    }
    return Optional.empty();
  }

  /**
   * {@code suspendWorkerGroups}: every worker group of the RayJob's cluster gets {@code suspend:
   * true} in one update, and the RayCluster controller deletes their pods. False when the update
   * failed (a conflict: retried).
   */
  private boolean suspendWorkerGroups(GenericKubernetesResource rayJob) {
    String namespace = rayJob.getMetadata().getNamespace();
    String name = clusterName(rayJob);
    GenericKubernetesResource cluster = cluster(rayJob);
    if (cluster == null) {
      // Go returns the NotFound and retries it with back-off, to no effect: nothing to do here.
      return true;
    }
    Map<String, Object> spec = Maps.map(cluster.getAdditionalProperties().get("spec"));
    boolean changed = false;
    for (Object group : Maps.list(spec.get("workerGroupSpecs"))) {
      changed |= !Boolean.TRUE.equals(Maps.map(group).put("suspend", true));
    }
    try {
      // An update that changes nothing is no write for the API server (and no watch event).
      if (changed) {
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(namespace)
            .resource(cluster)
            .update();
      }
    } catch (KubernetesClientException e) {
      events.warning(
          rayJob,
          "FailedToUpdateRayCluster",
          "Failed to suspend worker groups in cluster "
              + namespace
              + "/"
              + name
              + ": "
              + ApiStatusMessage.of(e));
      return false;
    }
    events.normal(
        rayJob,
        "UpdatedRayCluster",
        "Set the `suspend` field to true for all worker groups in cluster "
            + namespace
            + "/"
            + name);
    return true;
  }

  /**
   * {@code isDeletionActionCompleted}: the cluster gone or going (for both cluster policies), or
   * every worker group suspended; DeleteSelf never (the RayJob is still here), DeleteNone always.
   */
  private boolean completed(GenericKubernetesResource rayJob, String policy) {
    if (policy.equals("DeleteSelf")) {
      return false;
    }
    if (!policy.equals("DeleteCluster") && !policy.equals("DeleteWorkers")) {
      return true;
    }
    GenericKubernetesResource cluster = cluster(rayJob);
    if (cluster == null || cluster.getMetadata().getDeletionTimestamp() != null) {
      return true;
    }
    if (policy.equals("DeleteCluster")) {
      return false;
    }
    Map<String, Object> spec = Maps.map(cluster.getAdditionalProperties().get("spec"));
    return Maps.list(spec.get("workerGroupSpecs")).stream()
        .allMatch(g -> Maps.bool(Maps.map(g), "suspend"));
  }

  /** {@code selectMostImpactfulRule}: the first of the highest impact. */
  static DeletionRule mostImpactful(List<DeletionRule> rules) {
    DeletionRule most = rules.get(0);
    for (DeletionRule rule : rules.subList(1, rules.size())) {
      if (impact(rule.policy()) > impact(most.policy())) {
        most = rule;
      }
    }
    return most;
  }

  private static int impact(String policy) {
    return switch (policy) {
      case "DeleteSelf" -> 4;
      case "DeleteCluster" -> 3;
      case "DeleteWorkers" -> 2;
      case "DeleteNone" -> 1;
      default -> 0;
    };
  }

  /** {@code requeueDelayFor}, which the shutdownAfterJobFinishes path uses too. */
  public static Duration requeueDelay(Instant due, Instant now) {
    return Duration.between(now, due).plus(REQUEUE_BUFFER);
  }

  private GenericKubernetesResource cluster(GenericKubernetesResource rayJob) {
    String name = clusterName(rayJob);
    if (name.isEmpty()) {
      return null;
    }
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace(rayJob.getMetadata().getNamespace())
        .withName(name)
        .get();
  }

  /** {@code RayJobRayClusterNamespacedName}: the name in the RayJob's status. */
  private static String clusterName(GenericKubernetesResource rayJob) {
    return Maps.string(Maps.map(rayJob.getAdditionalProperties().get("status")), "rayClusterName")
        .orElse("");
  }
}
