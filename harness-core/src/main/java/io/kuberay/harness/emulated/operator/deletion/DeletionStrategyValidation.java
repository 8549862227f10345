package io.kuberay.harness.emulated.operator.deletion;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code validateDeletionConfiguration} of v1.5.0's and v1.7.0's {@code utils/validation.go}, after
 * its TTL check (which {@code ValidateRayJobSpec} runs first and the caller keeps): the feature
 * gate, rules versus legacy policies, then each mode's own checks with Go's messages.
 */
public final class DeletionStrategyValidation {

  /** {@code validateTTLConsistency}'s order: TTLs must not decrease along it. */
  private static final List<String> DELETION_ORDER =
      List.of("DeleteWorkers", "DeleteCluster", "DeleteSelf");

  private final boolean gateEnabled;
  private final boolean deploymentStatusConditions;

  /**
   * @param gateEnabled the operator's RayJobDeletionPolicy gate
   * @param deploymentStatusConditions v1.6.0+: a rule's condition names exactly one of jobStatus
   *     and jobDeploymentStatus; before, only a jobStatus
   */
  public DeletionStrategyValidation(boolean gateEnabled, boolean deploymentStatusConditions) {
    this.gateEnabled = gateEnabled;
    this.deploymentStatusConditions = deploymentStatusConditions;
  }

  /** The error of a RayJob's spec, if its deletionStrategy has one. */
  public Optional<String> check(Map<String, Object> spec) {
    Object strategy = spec.get("deletionStrategy");
    if (strategy == null) {
      return Optional.empty();
    }
    if (!gateEnabled) {
      return Optional.of(
          "RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy");
    }
    Map<String, Object> d = Maps.map(strategy);
    boolean legacy = d.get("onSuccess") != null || d.get("onFailure") != null;
    boolean rules = !Maps.list(d.get("deletionRules")).isEmpty();
    if (rules && Maps.bool(spec, "shutdownAfterJobFinishes")) {
      return Optional.of(
          "The RayJob spec is invalid: spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive");
    }
    if (rules && legacy) {
      return Optional.of(
          "The RayJob spec is invalid: Cannot use both legacy onSuccess/onFailure fields and deletionRules simultaneously");
    }
    if (legacy) {
      return legacyError(spec, d);
    }
    if (rules) {
      return rulesError(spec, DeletionRule.of(d));
    }
    return Optional.of(
        "The RayJob spec is invalid: DeletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)");
  }

  /** {@code validateLegacyDeletionPolicies}: the first error only. */
  private static Optional<String> legacyError(Map<String, Object> spec, Map<String, Object> d) {
    if (d.get("onSuccess") == null || d.get("onFailure") == null) {
      return Optional.of(
          "both DeletionStrategy.OnSuccess and DeletionStrategy.OnFailure must be set when using the legacy deletion policy fields of DeletionStrategy");
    }
    Optional<String> success = Maps.string(Maps.map(d.get("onSuccess")), "policy");
    Optional<String> failure = Maps.string(Maps.map(d.get("onFailure")), "policy");
    if (success.isEmpty()) {
      return Optional.of(
          "the DeletionPolicyType field of DeletionStrategy.OnSuccess cannot be unset when DeletionStrategy is enabled");
    }
    if (failure.isEmpty()) {
      return Optional.of(
          "the DeletionPolicyType field of DeletionStrategy.OnFailure cannot be unset when DeletionStrategy is enabled");
    }
    if (selectorMode(spec)) {
      if (touchesCluster(success.get())) {
        return Optional.of(
            "the ClusterSelector mode doesn't support DeletionStrategy="
                + success.get()
                + " on success");
      }
      if (touchesCluster(failure.get())) {
        return Optional.of(
            "the ClusterSelector mode doesn't support DeletionStrategy="
                + failure.get()
                + " on failure");
      }
    }
    if ((success.get().equals("DeleteWorkers") || failure.get().equals("DeleteWorkers"))
        && autoscaling(spec)) {
      return Optional.of(
          "DeletionStrategy=DeleteWorkers currently does not support RayCluster with autoscaling enabled");
    }
    if (Maps.bool(spec, "shutdownAfterJobFinishes")
        && (success.get().equals("DeleteNone") || failure.get().equals("DeleteNone"))) {
      // Go's typo, kept.
      return Optional.of(
          "The RayJob spec is invalid: shutdownAfterJobFinshes is set to 'true' while deletion policy is 'DeleteNone'");
    }
    return Optional.empty();
  }

  /**
   * {@code validateDeletionRules}: every rule's error, then the TTL order per status, joined by new
   * lines as Go's {@code errors.Join}. Go visits the statuses in map order; here in the order the
   * rules first name them (job statuses before deployment statuses, as Go).
   */
  private Optional<String> rulesError(Map<String, Object> spec, List<DeletionRule> rules) {
    boolean selector = selectorMode(spec);
    boolean autoscaling = autoscaling(spec);
    Map<String, Map<String, Integer>> byJobStatus = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> byDeploymentStatus = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      DeletionRule rule = rules.get(i);
      String at = "deletionRules[" + i + "]: ";
      Optional<String> condition = conditionError(rule);
      if (condition.isPresent()) {
        errors.add(at + condition.get());
        continue;
      }
      if (selector && touchesCluster(rule.policy())) {
        errors.add(
            at
                + "DeletionPolicyType '"
                + rule.policy()
                + "' not supported when ClusterSelector is set");
        continue;
      }
      if (autoscaling && rule.policy().equals("DeleteWorkers")) {
        errors.add(
            at + "DeletionPolicyType 'DeleteWorkers' not supported with autoscaling enabled");
        continue;
      }
      boolean byJob = !deploymentStatusConditions || rule.jobStatus() != null;
      String kind = byJob ? "JobStatus" : "JobDeploymentStatus";
      String value = byJob ? orEmpty(rule.jobStatus()) : rule.jobDeploymentStatus();
      Map<String, Integer> ttls =
          (byJob ? byJobStatus : byDeploymentStatus).computeIfAbsent(value, v -> new HashMap<>());
      if (ttls.containsKey(rule.policy())) {
        errors.add(
            at
                + "duplicate rule for DeletionPolicyType '"
                + rule.policy()
                + "' and "
                + kind
                + " '"
                + value
                + "'");
        continue;
      }
      ttls.put(rule.policy(), rule.ttlSeconds());
    }
    byJobStatus.forEach((status, ttls) -> errors.addAll(ttlOrderErrors(ttls, "JobStatus", status)));
    byDeploymentStatus.forEach(
        (status, ttls) -> errors.addAll(ttlOrderErrors(ttls, "JobDeploymentStatus", status)));
    return errors.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", errors));
  }

  /** v1.6.0+'s {@code validateDeletionCondition}; v1.5.0 checks the TTL alone. */
  private Optional<String> conditionError(DeletionRule rule) {
    if (deploymentStatusConditions) {
      boolean job = rule.jobStatus() != null;
      boolean deployment = rule.jobDeploymentStatus() != null;
      if (job && deployment) {
        return Optional.of("cannot set both JobStatus and JobDeploymentStatus at the same time");
      }
      if (!job && !deployment) {
        return Optional.of("exactly one of JobStatus and JobDeploymentStatus must be set");
      }
    }
    if (rule.ttlSeconds() < 0) {
      return Optional.of("TTLSeconds must be non-negative");
    }
    return Optional.empty();
  }

  /**
   * {@code validateTTLConsistency}: Workers &lt;= Cluster &lt;= Self, each against the last set.
   */
  private static List<String> ttlOrderErrors(
      Map<String, Integer> policyTtls, String conditionType, String conditionValue) {
    List<String> errors = new ArrayList<>();
    String previous = null;
    int previousTtl = 0;
    for (String policy : DELETION_ORDER) {
      Integer ttl = policyTtls.get(policy);
      if (ttl == null) {
        continue;
      }
      if (previous != null && ttl < previousTtl) {
        errors.add(
            String.format(
                "for %s '%s': %s TTL (%d) must be >= %s TTL (%d)",
                conditionType, conditionValue, policy, ttl, previous, previousTtl));
      }
      previous = policy;
      previousTtl = ttl;
    }
    return errors;
  }

  private static boolean touchesCluster(String policy) {
    return policy.equals("DeleteCluster") || policy.equals("DeleteWorkers");
  }

  private static boolean selectorMode(Map<String, Object> spec) {
    return spec.get("clusterSelector") instanceof Map<?, ?> m && !m.isEmpty();
  }

  /** {@code IsAutoscalingEnabled} of the RayJob's cluster spec. */
  private static boolean autoscaling(Map<String, Object> spec) {
    return Maps.bool(spec, "rayClusterSpec", "enableInTreeAutoscaling");
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
