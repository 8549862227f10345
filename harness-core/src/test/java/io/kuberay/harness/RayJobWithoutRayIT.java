package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The RayJob controller's object graph on v1.5.0, without Ray processes (so submission cannot
 * succeed).
 */
class RayJobWithoutRayIT {

  @Test
  @DisplayName(
      "v1.5.0: cluster <job>-xxxxx labelled and owned by the RayJob; with no dashboard the submission fails; delete removes the finalizer")
  @SuppressWarnings("unchecked")
  void objectGraph() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      String yaml =
          "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: sample\n  labels: {team: ml}\nspec:\n  entrypoint: python -c \"print(1)\"\n"
              + "  rayClusterSpec:\n    headGroupSpec:\n      template:\n        spec:\n          containers:\n          - name: ray-head\n            image: rayproject/ray:2.46.0\n";
      GenericKubernetesResource job =
          env.client()
              .getKubernetesSerialization()
              .unmarshal(yaml, GenericKubernetesResource.class);
      env.client()
          .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
          .inNamespace("default")
          .resource(job)
          .create();
      Map<String, Object> status =
          Waits.until(
              "RayJob default/sample",
              "jobDeploymentStatus Failed",
              // The Job controller's three submitter pods (backoffLimit 2), 10 s and 20 s apart.
              Duration.ofSeconds(90),
              () ->
                  (Map<String, Object>)
                      env.client()
                          .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                          .inNamespace("default")
                          .withName("sample")
                          .get()
                          .getAdditionalProperties()
                          .getOrDefault("status", Map.of()),
              s -> "Failed".equals(s.get("jobDeploymentStatus")),
              String::valueOf,
              null);
      assertThat(status).containsEntry("reason", "SubmissionFailed");
      assertThat(String.valueOf(status.get("message")))
          .startsWith("Job submission has failed. Reason: BackoffLimitExceeded.");
      // A submitter pod per try, each failed: the Job controller retried up to the backoffLimit.
      assertThat(
              env.client()
                  .pods()
                  .inNamespace("default")
                  .withLabel("batch.kubernetes.io/job-name", "sample")
                  .list()
                  .getItems())
          .hasSize(3)
          .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
      String clusterName = (String) status.get("rayClusterName");
      assertThat(clusterName).matches("sample-[a-z0-9]{5}");
      GenericKubernetesResource cluster = env.rayClusters().withName(clusterName).get();
      assertThat(cluster.getMetadata().getLabels())
          .containsEntry("team", "ml")
          .containsEntry("ray.io/originated-from-cr-name", "sample")
          .containsEntry("ray.io/originated-from-crd", "RayJob");
      // labelPod (common/pod.go): the originated-from labels stay on the cluster.
      assertThat(env.rayClusters().withName(clusterName).headPod().get().getMetadata().getLabels())
          .doesNotContainKeys("ray.io/originated-from-crd", "ray.io/originated-from-cr-name");
      assertThat(cluster.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getKind()).isEqualTo("RayJob"));
      assertThat(
              env.client()
                  .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                  .inNamespace("default")
                  .withName("sample")
                  .get()
                  .getMetadata()
                  .getFinalizers())
          .containsExactly("ray.io/rayjob-finalizer");
      assertThat(
              env.client()
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace("default")
                  .withName("sample")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getArgs()
                  .get(0))
          .startsWith(
              "if ! ray job status --address http://"
                  + clusterName
                  + "-head-svc.default.svc.cluster.local:8265 ");

      // kubectl delete: the operator removes its finalizer, so the RayJob goes, and its cluster
      // with it (it used to stay Terminating for ever).
      env.client()
          .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
          .inNamespace("default")
          .withName("sample")
          .delete();
      Waits.until(
          "RayJob default/sample and RayCluster default/" + clusterName,
          "both deleted (the ray.io/rayjob-finalizer removed)",
          Duration.ofSeconds(20),
          () ->
              String.valueOf(
                      env.client()
                          .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                          .inNamespace("default")
                          .withName("sample")
                          .get())
                  + " / "
                  + env.client()
                      .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
                      .inNamespace("default")
                      .withName(clusterName)
                      .get(),
          s -> s.equals("null / null"),
          String::valueOf,
          null);
    }
  }

  @Test
  @DisplayName(
      "v1.5.0: a clusterSelector naming no RayCluster is a RayClusterNotFound Warning, the RayJob waits Initializing (ray-job.use-existing-raycluster.yaml)")
  @SuppressWarnings("unchecked")
  void clusterSelectorWithoutCluster() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      String yaml =
          "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: rayjob-use-existing-raycluster\n"
              + "spec:\n  entrypoint: python -c \"print(1)\"\n"
              + "  clusterSelector:\n    ray.io/cluster: ray-cluster-kuberay\n";
      env.client()
          .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
          .inNamespace("default")
          .resource(
              env.client()
                  .getKubernetesSerialization()
                  .unmarshal(yaml, GenericKubernetesResource.class))
          .create();
      Event warning =
          Waits.until(
              "RayJob default/rayjob-use-existing-raycluster",
              "a RayClusterNotFound event",
              Duration.ofSeconds(30),
              () ->
                  env.client().v1().events().inNamespace("default").list().getItems().stream()
                      .filter(e -> "RayClusterNotFound".equals(e.getReason()))
                      .findFirst()
                      .orElse(null),
              e -> true,
              String::valueOf,
              null);
      assertThat(warning.getType()).isEqualTo("Warning");
      assertThat(warning.getMessage())
          .isEqualTo(
              "RayCluster default/ray-cluster-kuberay set in the clusterSelector is not found. It"
                  + " must be created manually");
      Map<String, Object> status =
          (Map<String, Object>)
              env.client()
                  .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                  .inNamespace("default")
                  .withName("rayjob-use-existing-raycluster")
                  .get()
                  .getAdditionalProperties()
                  .get("status");
      assertThat(status).containsEntry("jobDeploymentStatus", "Initializing");
    }
  }
}
