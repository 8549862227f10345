package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code utils/validation_test.go} {@code TestValidateRayJobSpec}, {@code
 * TestValidateRayJobMetadata}, {@code TestValidateRayJobStatus} and the feature-gate case of {@code
 * TestValidateRayJobSpecWithFeatureGate}; v1.1.0's {@code validateRayJobSpec} from its {@code
 * rayjob_controller_unit_test.go}.
 */
class RayJobValidationUpstreamTest {

  private static final String CLUSTER =
      "  rayClusterSpec:\n    headGroupSpec:\n      template:\n        spec:\n          containers:\n          - name: ray-head\n            image: rayproject/ray:2.52.0\n";

  private static RayJobView job(String name, String spec, String status) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: "
            + name
            + "\n  namespace: default\nspec:\n  entrypoint: python x.py\n"
            + spec
            + (status.isEmpty() ? "" : "status:\n" + status);
    return new RayJobView(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
  }

  private static Optional<RayJobValidation.Violation> check(String v, String spec) {
    return RayJobValidation.check(flavor(v), job("rayjob-sample", spec, ""));
  }

  private static Optional<String> message(String v, String spec) {
    return check(v, spec).map(RayJobValidation.Violation::message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void spec(String v) {
    assertThat(message(v, "  shutdownAfterJobFinishes: false\n"))
        .contains(
            "The RayJob spec is invalid: one of RayClusterSpec or ClusterSelector must be set");
    assertThat(message(v, "  suspend: true\n  shutdownAfterJobFinishes: false\n" + CLUSTER))
        .contains(
            "The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended");
    assertThat(check(v, "  suspend: true\n  shutdownAfterJobFinishes: true\n" + CLUSTER)).isEmpty();
    assertThat(
            message(
                v,
                "  suspend: true\n  shutdownAfterJobFinishes: true\n  clusterSelector:\n    ray.io/cluster: c\n"))
        .contains(
            "The RayJob spec is invalid: the ClusterSelector mode doesn't support the suspend operation");
    assertThat(message(v, "  backoffLimit: -1\n" + CLUSTER))
        .contains("The RayJob spec is invalid: backoffLimit must be a positive integer");
    assertThat(message(v, "  submissionMode: InteractiveMode\n  backoffLimit: 1\n" + CLUSTER))
        .contains("The RayJob spec is invalid: BackoffLimit is incompatible with InteractiveMode");
    assertThat(check(v, "  submissionMode: InteractiveMode\n  backoffLimit: 0\n" + CLUSTER))
        .isEmpty();
    assertThat(check(v, "  submissionMode: InteractiveMode\n" + CLUSTER)).isEmpty();
    assertThat(
            message(
                v, "  shutdownAfterJobFinishes: false\n  ttlSecondsAfterFinished: 5\n" + CLUSTER))
        .contains(
            "The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false cannot have TTLSecondsAfterFinished");
    assertThat(
            check(v, "  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 5\n" + CLUSTER))
        .isEmpty();
    assertThat(
            message(
                v, "  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: -5\n" + CLUSTER))
        .contains(
            "The RayJob spec is invalid: TTLSecondsAfterFinished must be a non-negative integer");
    assertThat(check(v, "  submissionMode: SidecarMode\n" + CLUSTER)).isEmpty();
    assertThat(
            message(
                v,
                "  submissionMode: SidecarMode\n  submitterPodTemplate:\n    spec:\n      containers:\n      - name: s\n        image: i\n"
                    + CLUSTER))
        .contains("Currently, SidecarMode doesn't support SubmitterPodTemplate");
    assertThat(
            message(
                v,
                "  submissionMode: SidecarMode\n  submitterConfig:\n    backoffLimit: 1\n"
                    + CLUSTER))
        .contains("Currently, SidecarMode doesn't support SubmitterConfig");
    assertThat(
            message(
                v,
                "  submissionMode: SidecarMode\n"
                    + CLUSTER.replace(
                        "        spec:\n", "        spec:\n          restartPolicy: Always\n")))
        .contains("restartPolicy for head Pod should be Never or unset when using SidecarMode");
    assertThat(
            message(
                v, "  submissionMode: SidecarMode\n  clusterSelector:\n    ray.io/cluster: c\n"))
        .contains("ClusterSelector is not supported in SidecarMode");
    assertThat(message(v, "  clusterSelector:\n    other: c\n"))
        .contains("cluster name in ClusterSelector should not be empty");
    assertThat(message(v, "  clusterSelector:\n    ray.io/cluster: \"\"\n"))
        .contains("cluster name in ClusterSelector should not be empty");
    assertThat(check(v, "  clusterSelector:\n    ray.io/cluster: c\n")).isEmpty();
    assertThat(message(v, "  activeDeadlineSeconds: 0\n" + CLUSTER))
        .contains("The RayJob spec is invalid: activeDeadlineSeconds must be a positive integer");
    // The cluster spec's own rules, prefixed.
    assertThat(
            message(
                v,
                CLUSTER.replace(
                    "    headGroupSpec:\n",
                    "    headGroupSpec:\n      rayStartParams:\n        labels: a=b\n")))
        .contains(
            "The RayJob spec is invalid: rayStartParams['labels'] is not supported for Head group; please use the top-level Labels field instead");
    assertThat(check(v, "  activeDeadlineSeconds: 0\n" + CLUSTER))
        .map(RayJobValidation.Violation::reason)
        .contains("InvalidRayJobSpec");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void deletionStrategyNeedsItsFeatureGate(String v) {
    String spec =
        "  shutdownAfterJobFinishes: false\n  deletionStrategy:\n    onSuccess:\n      policy: DeleteCluster\n    onFailure:\n      policy: DeleteNone\n"
            + CLUSTER;
    if (v.equals("v1.5.0")) {
      assertThat(message(v, spec))
          .contains("RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy");
    } else {
      assertThat(check(v, spec)).isEmpty();
      assertThat(
              message(
                  v,
                  "  shutdownAfterJobFinishes: true\n  deletionStrategy:\n    deletionRules:\n    - policy: DeleteCluster\n      condition:\n        jobStatus: SUCCEEDED\n"
                      + CLUSTER))
          .contains(
              "The RayJob spec is invalid: spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void metadataAndStatus(String v) {
    assertThat(RayJobValidation.check(flavor(v), job("a".repeat(48), CLUSTER, "")))
        .hasValueSatisfying(
            e -> {
              assertThat(e.reason()).isEqualTo("InvalidRayJobMetadata");
              assertThat(e.message())
                  .isEqualTo(
                      "The RayJob metadata is invalid: RayJob name should be no more than 47 characters");
            });
    assertThat(RayJobValidation.check(flavor(v), job("a".repeat(47), CLUSTER, ""))).isEmpty();
    assertThat(
            RayJobValidation.check(
                flavor(v), job("rayjob-sample", CLUSTER, "  jobDeploymentStatus: Waiting\n")))
        .hasValueSatisfying(
            e -> {
              assertThat(e.reason()).isEqualTo("InvalidRayJobStatus");
              assertThat(e.message())
                  .isEqualTo(
                      "The RayJob status is invalid: JobDeploymentStatus cannot be `Waiting` when SubmissionMode is not InteractiveMode");
            });
    assertThat(
            RayJobValidation.check(
                flavor(v),
                job(
                    "rayjob-sample",
                    "  submissionMode: InteractiveMode\n" + CLUSTER,
                    "  jobDeploymentStatus: Waiting\n")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.7.0"})
  void v170Additions(String v) {
    assertThat(message(v, "  backoffLimit: 1\n  clusterSelector:\n    ray.io/cluster: c\n"))
        .contains(
            "The RayJob spec is invalid: BackoffLimit is incompatible with ClusterSelector mode");
    assertThat(check("v1.5.0", "  backoffLimit: 1\n  clusterSelector:\n    ray.io/cluster: c\n"))
        .isEmpty();
    assertThat(message(v, "  preRunningDeadlineSeconds: 0\n" + CLUSTER))
        .contains(
            "The RayJob spec is invalid: preRunningDeadlineSeconds must be a positive integer");
    // Before the cluster's own rules (its rayVersion is not even set here).
    String k8sAuth =
        CLUSTER.replace(
            "    headGroupSpec:",
            "    authOptions: {mode: token, enableK8sTokenAuth: true}\n    headGroupSpec:");
    assertThat(message(v, k8sAuth))
        .contains(
            "The RayJob spec is invalid: K8s token auth mode is currently not supported for RayJob");
    assertThat(check("v1.5.0", k8sAuth)).as("no authOptions before v1.6").isEmpty();
  }

  @Test
  void v110() {
    assertThat(message("v1.1.0", "  suspend: true\n" + CLUSTER))
        .contains(
            "a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended");
    assertThat(message("v1.1.0", "  shutdownAfterJobFinishes: true\n"))
        .contains("one of RayClusterSpec or ClusterSelector must be set");
    assertThat(message("v1.1.0", "  activeDeadlineSeconds: -1\n" + CLUSTER))
        .contains("activeDeadlineSeconds must be a positive integer");
    // No name, TTL or backoff rules in v1.1.0.
    assertThat(
            RayJobValidation.check(
                flavor("v1.1.0"), job("a".repeat(60), "  backoffLimit: -1\n" + CLUSTER, "")))
        .isEmpty();
  }
}
