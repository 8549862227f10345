package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RayJob custom resources on the emulated operator: K8sJobMode and HTTPMode on real Ray, deadlines,
 * cleanup.
 */
class RayJobResourceIT {

  static final ResourceDefinitionContext RAY_JOBS =
      new ResourceDefinitionContext.Builder()
          .withGroup("ray.io")
          .withVersion("v1")
          .withKind("RayJob")
          .withPlural("rayjobs")
          .withNamespaced(true)
          .build();
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static String rayJob(String name, String entrypoint, String extraSpec, String headCpu) {
    return "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: "
        + name
        + "\nspec:\n"
        + "  entrypoint: "
        + entrypoint
        + "\n"
        + extraSpec
        + "  rayClusterSpec:\n    rayVersion: '2.52.0'\n    headGroupSpec:\n      rayStartParams: {}\n      template:\n        spec:\n          containers:\n"
        + "          - name: ray-head\n            image: rayproject/ray:2.52.0\n            resources:\n              limits: {cpu: '"
        + headCpu
        + "', memory: 2Gi}\n              requests: {cpu: '"
        + headCpu
        + "', memory: 2Gi}\n";
  }

  static GenericKubernetesResource create(String ns, String yaml) {
    GenericKubernetesResource job =
        env.client().getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    return env.client().genericKubernetesResources(RAY_JOBS).inNamespace(ns).resource(job).create();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> awaitDeployment(String ns, String name, String status) {
    return Waits.until(
        "RayJob " + ns + "/" + name,
        "jobDeploymentStatus " + status,
        WAIT,
        () -> {
          GenericKubernetesResource r =
              env.client()
                  .genericKubernetesResources(RAY_JOBS)
                  .inNamespace(ns)
                  .withName(name)
                  .get();
          return r == null
              ? null
              : (Map<String, Object>) r.getAdditionalProperties().getOrDefault("status", Map.of());
        },
        s -> status.equals(s.get("jobDeploymentStatus")),
        String::valueOf,
        s ->
            !status.equals(s.get("jobDeploymentStatus"))
                && ("Complete".equals(s.get("jobDeploymentStatus"))
                    || "Failed".equals(s.get("jobDeploymentStatus"))));
  }

  @Test
  @DisplayName(
      "K8sJobMode: cluster <job>-raycluster-xxxxx, a submitter Job, SUCCEEDED, then the cluster is deleted")
  void k8sJobMode() {
    String ns = env.createNamespace("k8sjob");
    create(
        ns,
        rayJob(
            "tutorial",
            "python -c \"import ray; ray.init(); print(ray.cluster_resources())\"",
            "  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 0\n",
            "1"));
    Map<String, Object> status = awaitDeployment(ns, "tutorial", "Complete");
    assertThat(status)
        .containsEntry("jobStatus", "SUCCEEDED")
        .containsEntry("message", "Job finished successfully.");
    assertThat((String) status.get("rayClusterName")).matches("tutorial-raycluster-[a-z0-9]{5}");
    assertThat((String) status.get("jobId")).matches("tutorial-[a-z0-9]{5}");
    assertThat(status.get("dashboardURL"))
        .asString()
        .matches("tutorial-raycluster-[a-z0-9]{5}-head-svc\\.k8sjob\\.svc\\.cluster\\.local:8265");
    assertThat(status).containsKeys("startTime", "endTime");
    Job submitter = env.client().batch().v1().jobs().inNamespace(ns).withName("tutorial").get();
    assertThat(submitter.getSpec().getTemplate().getSpec().getContainers().get(0).getName())
        .isEqualTo("ray-job-submitter");
    assertThat(submitter.getStatus().getSucceeded()).isEqualTo(1);
    // The RayJob is Complete once its submitter Job is, which the Job controller completes once
    // the submitter pod has: nothing of the submitter is still running.
    assertThat(submitter.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getReason())
        .containsExactly("SuccessCriteriaMet=CompletionsReached", "Complete=CompletionsReached");
    assertThat(
            env.client()
                .pods()
                .inNamespace(ns)
                .withLabel("batch.kubernetes.io/job-name", "tutorial")
                .list()
                .getItems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
              assertThat(p.getStatus().getContainerStatuses().get(0).getState().getTerminated())
                  .satisfies(t -> assertThat(t.getReason()).isEqualTo("Completed"));
            });
    assertThat(
            env.client().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "Job".equals(e.getInvolvedObject().getKind()))
                .map(e -> e.getReason()))
        .containsExactlyInAnyOrder("SuccessfulCreate", "Completed");
    Waits.until(
        "RayCluster of RayJob tutorial",
        "deleted after the job finished",
        WAIT,
        () -> env.rayClusters().inNamespace(ns).list().size(),
        n -> n == 0,
        String::valueOf,
        null);
  }

  @Test
  @DisplayName("HTTPMode: a failing entrypoint ends Failed with reason AppFailed and Ray's message")
  void httpModeFailure() {
    String ns = env.createNamespace("httpjob");
    create(
        ns,
        rayJob(
            "boom", "python -c \"import sys; sys.exit(3)\"", "  submissionMode: HTTPMode\n", "1"));
    Map<String, Object> status = awaitDeployment(ns, "boom", "Failed");
    assertThat(status).containsEntry("jobStatus", "FAILED").containsEntry("reason", "AppFailed");
    assertThat(String.valueOf(status.get("message"))).contains("exit code 3");
  }

  @Test
  @DisplayName("activeDeadlineSeconds: a job whose cluster never fits fails with DeadlineExceeded")
  void deadline() {
    String ns = env.createNamespace("deadline");
    create(ns, rayJob("late", "python -c \"print(1)\"", "  activeDeadlineSeconds: 2\n", "500"));
    Map<String, Object> status = awaitDeployment(ns, "late", "Failed");
    assertThat(status).containsEntry("reason", "DeadlineExceeded");
    assertThat(String.valueOf(status.get("message")))
        .startsWith("The RayJob has passed the activeDeadlineSeconds.");
  }
}
