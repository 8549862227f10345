package io.kuberay.harness.emulated.operator.deletion;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code isDeletionRuleMatched} and {@code selectMostImpactfulRule} of v1.5.0's and v1.7.0's
 * rayjob_controller.go, and a rule read from the spec with the CRD's default TTL.
 */
class DeletionRuleTest {

  private static final Map<String, Object> FAILED_APP =
      Map.of("jobStatus", "FAILED", "jobDeploymentStatus", "Failed");

  @Test
  void aRuleIsReadFromTheSpecWithTheDefaultTtl() {
    Map<String, Object> strategy =
        Map.of(
            "deletionRules",
            List.of(
                Map.of("policy", "DeleteCluster", "condition", Map.of("jobStatus", "FAILED")),
                Map.of(
                    "policy",
                    "DeleteSelf",
                    "condition",
                    Map.of("jobDeploymentStatus", "Failed", "ttlSeconds", 30))));
    assertThat(DeletionRule.of(strategy))
        .containsExactly(
            new DeletionRule("DeleteCluster", "FAILED", null, 0),
            new DeletionRule("DeleteSelf", null, "Failed", 30));
    assertThat(DeletionRule.of(strategy).get(1).due(Instant.parse("2026-12-05T08:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-05T08:00:30Z"));
  }

  @Test
  void v170MatchesWhicheverStatusTheRuleNames() {
    assertThat(new DeletionRule("DeleteCluster", "FAILED", null, 0).matches(FAILED_APP, true))
        .isTrue();
    assertThat(new DeletionRule("DeleteCluster", "SUCCEEDED", null, 0).matches(FAILED_APP, true))
        .isFalse();
    assertThat(new DeletionRule("DeleteCluster", null, "Failed", 0).matches(FAILED_APP, true))
        .isTrue();
    // A submission that failed before the Ray job had a status: only the deployment status says so.
    Map<String, Object> submissionFailed = Map.of("jobDeploymentStatus", "Failed");
    assertThat(new DeletionRule("DeleteCluster", null, "Failed", 0).matches(submissionFailed, true))
        .isTrue();
    assertThat(new DeletionRule("DeleteCluster", "FAILED", null, 0).matches(submissionFailed, true))
        .isFalse();
  }

  @Test
  void v150MatchesTheJobStatusOnly() {
    assertThat(new DeletionRule("DeleteCluster", null, "Failed", 0).matches(FAILED_APP, false))
        .as("v1.5.0 has no jobDeploymentStatus condition")
        .isFalse();
    assertThat(new DeletionRule("DeleteCluster", "FAILED", null, 0).matches(FAILED_APP, false))
        .isTrue();
  }

  @Test
  void theMostImpactfulRuleIsTheFirstOfTheHighestImpact() {
    DeletionRule workers = new DeletionRule("DeleteWorkers", "SUCCEEDED", null, 0);
    DeletionRule cluster = new DeletionRule("DeleteCluster", "SUCCEEDED", null, 5);
    DeletionRule otherCluster = new DeletionRule("DeleteCluster", null, "Failed", 0);
    DeletionRule self = new DeletionRule("DeleteSelf", "SUCCEEDED", null, 10);
    DeletionRule none = new DeletionRule("DeleteNone", "SUCCEEDED", null, 0);
    assertThat(RayJobDeletion.mostImpactful(List.of(none, workers, cluster, self))).isEqualTo(self);
    assertThat(RayJobDeletion.mostImpactful(List.of(workers, cluster, otherCluster)))
        .isEqualTo(cluster);
    assertThat(RayJobDeletion.mostImpactful(List.of(none, workers))).isEqualTo(workers);
    assertThat(RayJobDeletion.mostImpactful(List.of(none))).isEqualTo(none);
  }
}
