package io.kuberay.harness.emulated.operator.deletion;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code spec.deletionStrategy.deletionRules}: a policy and the condition that
 * triggers it. {@code jobStatus} and {@code jobDeploymentStatus} are null when unset (v1.5.0's
 * condition has only the former).
 */
record DeletionRule(String policy, String jobStatus, String jobDeploymentStatus, int ttlSeconds) {

  static List<DeletionRule> of(Map<String, Object> strategy) {
    return Maps.list(strategy.get("deletionRules")).stream()
        .map(Maps::map)
        .map(
            r ->
                new DeletionRule(
                    Maps.string(r, "policy").orElse(""),
                    Maps.string(r, "condition", "jobStatus").orElse(null),
                    Maps.string(r, "condition", "jobDeploymentStatus").orElse(null),
                    // The CRD defaults it to 0.
                    Maps.integer(r, "condition", "ttlSeconds").orElse(0)))
        .toList();
  }

  /**
   * {@code isDeletionRuleMatched}: v1.6.0+ compares whichever of the two statuses the rule names;
   * v1.5.0 only the job status (its condition's jobStatus is a plain string, "" when unset).
   */
  boolean matches(Map<String, Object> status, boolean deploymentStatusConditions) {
    if (!deploymentStatusConditions || jobStatus != null) {
      return nullToEmpty(jobStatus).equals(Maps.string(status, "jobStatus").orElse(""));
    }
    return nullToEmpty(jobDeploymentStatus)
        .equals(Maps.string(status, "jobDeploymentStatus").orElse(""));
  }

  /** When the rule is due: {@code status.endTime} plus its TTL. */
  Instant due(Instant endTime) {
    return endTime.plusSeconds(ttlSeconds);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
