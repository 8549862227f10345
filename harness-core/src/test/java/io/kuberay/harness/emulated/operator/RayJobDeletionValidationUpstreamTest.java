package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cases of KubeRay's {@code TestValidateRayJobSpecWithFeatureGate} (utils/validation_test.go,
 * v1.5.0 and v1.7.0, the gate on), each with the message Go's {@code validateDeletionConfiguration}
 * returns; the gate off is {@link
 * RayJobValidationUpstreamTest#deletionStrategyNeedsItsFeatureGate}.
 */
class RayJobDeletionValidationUpstreamTest {

  /** {@code createBasicRayClusterSpec}: a head group with one container. */
  private static final String CLUSTER =
      "  rayClusterSpec:\n    headGroupSpec:\n      template:\n        spec:\n          containers:\n          - name: ray-head\n            image: rayproject/ray:2.52.0\n";

  private static final String AUTOSCALING_CLUSTER =
      CLUSTER.replace(
          "  rayClusterSpec:\n", "  rayClusterSpec:\n    enableInTreeAutoscaling: true\n");

  private static final String SELECTOR = "  clusterSelector:\n    key: value\n";

  /** v1.5.0 with the gate turned on (off by default), v1.7.0 at its defaults (on). */
  private static OperatorFlavor gateOn(String version) {
    KubeRayVersion v = KubeRayVersion.of(version);
    return v.isAtLeast(KubeRayVersion.V1_7_0)
        ? new OperatorFlavor(v)
        : new OperatorFlavor(
            v, OperatorOptions.parse(v, List.of("--feature-gates=RayJobDeletionPolicy=true")));
  }

  private static Optional<String> error(OperatorFlavor flavor, String spec) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: rayjob-sample\n  namespace: default\nspec:\n  entrypoint: python x.py\n"
            + spec;
    RayJobView job = new RayJobView(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
    return RayJobValidation.check(flavor, job).map(RayJobValidation.Violation::message);
  }

  private static Optional<String> error(String version, String spec) {
    return error(gateOn(version), spec);
  }

  private static String legacy(String onSuccess, String onFailure) {
    return "  deletionStrategy:\n"
        + (onSuccess == null ? "" : "    onSuccess: " + onSuccess + "\n")
        + (onFailure == null ? "" : "    onFailure: " + onFailure + "\n");
  }

  /** A rule: policy, then the condition's fields in flow style. */
  private static String rule(String policy, String condition) {
    return "    - policy: " + policy + "\n      condition: {" + condition + "}\n";
  }

  private static String rules(String... rules) {
    return "  deletionStrategy:\n    deletionRules:\n" + String.join("", rules);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void legacyPolicies(String v) {
    assertThat(
            error(
                v,
                legacy("{policy: DeleteCluster}", "{policy: DeleteCluster}") + SELECTOR + CLUSTER))
        .contains(
            "the ClusterSelector mode doesn't support DeletionStrategy=DeleteCluster on success");
    assertThat(
            error(
                v, legacy("{policy: DeleteNone}", "{policy: DeleteWorkers}") + SELECTOR + CLUSTER))
        .contains(
            "the ClusterSelector mode doesn't support DeletionStrategy=DeleteWorkers on failure");
    assertThat(
            error(
                v,
                legacy("{policy: DeleteWorkers}", "{policy: DeleteWorkers}") + AUTOSCALING_CLUSTER))
        .contains(
            "DeletionStrategy=DeleteWorkers currently does not support RayCluster with autoscaling enabled");
    assertThat(
            error(
                v,
                "  shutdownAfterJobFinishes: true\n"
                    + legacy("{policy: DeleteCluster}", "{policy: DeleteCluster}")
                    + CLUSTER))
        .isEmpty();
    assertThat(error(v, "  shutdownAfterJobFinishes: true\n" + CLUSTER)).isEmpty();
    assertThat(
            error(
                v,
                "  shutdownAfterJobFinishes: true\n"
                    + legacy("{policy: DeleteNone}", "{policy: DeleteCluster}")
                    + CLUSTER))
        .contains(
            "The RayJob spec is invalid: shutdownAfterJobFinshes is set to 'true' while deletion policy is 'DeleteNone'");
    assertThat(error(v, legacy("{policy: DeleteNone}", "{policy: DeleteNone}") + CLUSTER))
        .as("DeleteNone without shutdownAfterJobFinishes")
        .isEmpty();
    String bothNeeded =
        "both DeletionStrategy.OnSuccess and DeletionStrategy.OnFailure must be set when using the legacy deletion policy fields of DeletionStrategy";
    assertThat(error(v, legacy(null, "{policy: DeleteNone}") + CLUSTER)).contains(bothNeeded);
    assertThat(error(v, legacy("{policy: DeleteNone}", null) + CLUSTER)).contains(bothNeeded);
    assertThat(error(v, legacy("{}", "{policy: DeleteNone}") + CLUSTER))
        .contains(
            "the DeletionPolicyType field of DeletionStrategy.OnSuccess cannot be unset when DeletionStrategy is enabled");
    assertThat(error(v, legacy("{policy: DeleteNone}", "{}") + CLUSTER))
        .contains(
            "the DeletionPolicyType field of DeletionStrategy.OnFailure cannot be unset when DeletionStrategy is enabled");
    assertThat(error(v, "  rayClusterSpec:\n    headGroupSpec: {}\n"))
        .as("headGroupSpec should have at least one container")
        .isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void rulesAndTheirMode(String v) {
    String self = rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 10");
    assertThat(error(v, rules(self) + CLUSTER)).isEmpty();
    assertThat(error(v, "  shutdownAfterJobFinishes: true\n" + rules(self) + CLUSTER))
        .contains(
            "The RayJob spec is invalid: spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive");
    assertThat(error(v, rules(self) + "    onSuccess: {policy: DeleteCluster}\n" + CLUSTER))
        .contains(
            "The RayJob spec is invalid: Cannot use both legacy onSuccess/onFailure fields and deletionRules simultaneously");
    String eitherNeeded =
        "The RayJob spec is invalid: DeletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)";
    assertThat(error(v, "  deletionStrategy: {}\n" + CLUSTER)).contains(eitherNeeded);
    assertThat(error(v, "  deletionStrategy:\n    deletionRules: []\n" + CLUSTER))
        .contains(eitherNeeded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void eachRule(String v) {
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 10"),
                        rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 20"))
                    + CLUSTER))
        .contains(
            "deletionRules[1]: duplicate rule for DeletionPolicyType 'DeleteSelf' and JobStatus 'SUCCEEDED'");
    assertThat(
            error(v, rules(rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: -10")) + CLUSTER))
        .contains("deletionRules[0]: TTLSeconds must be non-negative");
    assertThat(error(v, rules(rule("DeleteWorkers", "jobStatus: SUCCEEDED")) + SELECTOR))
        .contains(
            "deletionRules[0]: DeletionPolicyType 'DeleteWorkers' not supported when ClusterSelector is set");
    assertThat(error(v, rules(rule("DeleteCluster", "jobStatus: SUCCEEDED")) + SELECTOR))
        .contains(
            "deletionRules[0]: DeletionPolicyType 'DeleteCluster' not supported when ClusterSelector is set");
    assertThat(
            error(
                v,
                rules(rule("DeleteWorkers", "jobStatus: SUCCEEDED, ttlSeconds: 10"))
                    + AUTOSCALING_CLUSTER))
        .contains(
            "deletionRules[0]: DeletionPolicyType 'DeleteWorkers' not supported with autoscaling enabled");
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteWorkers", "jobStatus: SUCCEEDED, ttlSeconds: 20"),
                        rule("DeleteCluster", "jobStatus: SUCCEEDED, ttlSeconds: 10"))
                    + CLUSTER))
        .contains(
            "for JobStatus 'SUCCEEDED': DeleteCluster TTL (10) must be >= DeleteWorkers TTL (20)");
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteCluster", "jobStatus: SUCCEEDED, ttlSeconds: 20"),
                        rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 10"))
                    + CLUSTER))
        .contains(
            "for JobStatus 'SUCCEEDED': DeleteSelf TTL (10) must be >= DeleteCluster TTL (20)");
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteWorkers", "jobStatus: SUCCEEDED, ttlSeconds: 10"),
                        rule("DeleteCluster", "jobStatus: SUCCEEDED, ttlSeconds: 20"),
                        rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 30"),
                        rule("DeleteSelf", "jobStatus: FAILED, ttlSeconds: 0"))
                    + CLUSTER))
        .as("valid complex deletionRules")
        .isEmpty();
  }

  /**
   * Go joins the rules' errors with {@code errors.Join}: one per line, the per-rule ones in rule
   * order, then the TTL order per status (Go: map order; here the order the rules name them).
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void allRuleErrorsJoined(String v) {
    Optional<String> joined =
        error(
            v,
            rules(
                    rule("DeleteWorkers", "jobStatus: SUCCEEDED, ttlSeconds: -1"),
                    rule("DeleteCluster", "jobStatus: SUCCEEDED, ttlSeconds: 10"),
                    rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 5"),
                    rule("DeleteSelf", "jobStatus: SUCCEEDED, ttlSeconds: 6"),
                    rule("DeleteWorkers", "jobStatus: FAILED, ttlSeconds: 30"),
                    rule("DeleteCluster", "jobStatus: FAILED, ttlSeconds: 20"),
                    rule("DeleteSelf", "jobStatus: FAILED, ttlSeconds: 10"))
                + CLUSTER);
    assertThat(joined)
        .contains(
            String.join(
                "\n",
                "deletionRules[0]: TTLSeconds must be non-negative",
                "deletionRules[3]: duplicate rule for DeletionPolicyType 'DeleteSelf' and JobStatus 'SUCCEEDED'",
                "for JobStatus 'SUCCEEDED': DeleteSelf TTL (5) must be >= DeleteCluster TTL (10)",
                "for JobStatus 'FAILED': DeleteCluster TTL (20) must be >= DeleteWorkers TTL (30)",
                "for JobStatus 'FAILED': DeleteSelf TTL (10) must be >= DeleteCluster TTL (20)"));
  }

  @Test
  void v170ConditionsNameJobStatusOrJobDeploymentStatus() {
    String v = "v1.7.0";
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteCluster", "jobDeploymentStatus: Failed, ttlSeconds: 10"),
                        rule("DeleteSelf", "jobDeploymentStatus: Failed, ttlSeconds: 20"))
                    + CLUSTER))
        .isEmpty();
    assertThat(
            error(
                v,
                rules(
                        rule(
                            "DeleteCluster",
                            "jobStatus: FAILED, jobDeploymentStatus: Failed, ttlSeconds: 10"))
                    + CLUSTER))
        .contains(
            "deletionRules[0]: cannot set both JobStatus and JobDeploymentStatus at the same time");
    assertThat(error(v, rules(rule("DeleteCluster", "ttlSeconds: 10")) + CLUSTER))
        .contains("deletionRules[0]: exactly one of JobStatus and JobDeploymentStatus must be set");
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteCluster", "jobDeploymentStatus: Failed, ttlSeconds: 10"),
                        rule("DeleteCluster", "jobDeploymentStatus: Failed, ttlSeconds: 20"))
                    + CLUSTER))
        .contains(
            "deletionRules[1]: duplicate rule for DeletionPolicyType 'DeleteCluster' and JobDeploymentStatus 'Failed'");
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteWorkers", "jobStatus: FAILED, ttlSeconds: 10"),
                        rule("DeleteCluster", "jobDeploymentStatus: Failed, ttlSeconds: 5"))
                    + CLUSTER))
        .as("mixed: each status kind has its own TTL order")
        .isEmpty();
    assertThat(
            error(
                v,
                rules(
                        rule("DeleteWorkers", "jobDeploymentStatus: Failed, ttlSeconds: 20"),
                        rule("DeleteCluster", "jobDeploymentStatus: Failed, ttlSeconds: 10"))
                    + CLUSTER))
        .contains(
            "for JobDeploymentStatus 'Failed': DeleteCluster TTL (10) must be >= DeleteWorkers TTL (20)");
  }

  @Test
  void v150ChecksOnlyTheTtlOfACondition() {
    // v1.5.0's condition has no jobDeploymentStatus (its CRD drops the field and requires
    // jobStatus); its validation checks only the TTL.
    assertThat(error("v1.5.0", rules(rule("DeleteCluster", "ttlSeconds: 10")) + CLUSTER)).isEmpty();
  }

  @Test
  void theGateTurnedOffOnV170RefusesAnyStrategy() {
    KubeRayVersion v = KubeRayVersion.V1_7_0;
    OperatorFlavor off =
        new OperatorFlavor(
            v, OperatorOptions.parse(v, List.of("--feature-gates=RayJobDeletionPolicy=false")));
    assertThat(error(off, rules(rule("DeleteSelf", "jobStatus: SUCCEEDED")) + CLUSTER))
        .contains("RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy");
    assertThat(error(gateOn("v1.5.0"), legacy("{policy: DeleteNone}", "{policy: DeleteNone}")))
        .as("no cluster spec: the strategy is fine, the next check refuses")
        .contains(
            "The RayJob spec is invalid: one of RayClusterSpec or ClusterSelector must be set");
  }
}
