package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a RayJob's submitter containers print, with real Ray: KubeRay's light-weight submitter
 * ({@code /submitter}, its entrypoint in its args) runs its job to the end, and SidecarMode's
 * {@code ray-job-submitter} container has a log of its own ({@code ray job submit}'s), not the Ray
 * container's.
 *
 * <p>Not run by default: its two RayJobs take about 3.5 minutes on the 2-core CI machine
 * (2026-12-03, load ~12), over the suite's budget for new tests. {@code KUBERAY_SLOW_ITS=true} runs
 * it: {@code KUBERAY_SLOW_ITS=true mvn -B -pl harness-core verify -Dit.test=SubmitterLogsIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SubmitterLogsIT {

  private static final Duration WAIT = Duration.ofMinutes(6);
  private static final String HEAD =
      "  rayClusterSpec:\n    headGroupSpec:\n      rayStartParams: {}\n      template:\n        spec:\n"
          + "          containers:\n          - name: ray-head\n            image: rayproject/ray:2.52.0\n"
          + "            ports:\n            - containerPort: 8265\n              name: dashboard\n";

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    assumeTrue(
        "true".equals(System.getenv("KUBERAY_SLOW_ITS")),
        "SubmitterLogsIT runs with KUBERAY_SLOW_ITS=true (about 3.5 minutes)");
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static void apply(String ns, String yaml) {
    GenericKubernetesResource job =
        env.client().getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    env.client()
        .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
        .inNamespace(ns)
        .resource(job)
        .create();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> finished(String ns, String name) {
    return Waits.until(
        "RayJob " + ns + "/" + name,
        "jobDeploymentStatus Complete or Failed",
        WAIT,
        () ->
            (Map<String, Object>)
                env.client()
                    .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                    .inNamespace(ns)
                    .withName(name)
                    .get()
                    .getAdditionalProperties()
                    .getOrDefault("status", Map.of()),
        s ->
            "Complete".equals(s.get("jobDeploymentStatus"))
                || "Failed".equals(s.get("jobDeploymentStatus")),
        String::valueOf,
        null);
  }

  @Test
  @DisplayName(
      "the light-weight submitter submits its args' entrypoint and runtime env; its pod prints the binary's lines and the job's output")
  void lightWeightSubmitter() {
    String ns = env.createNamespace("light");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: light\nspec:\n"
            + HEAD
            + "  submitterPodTemplate:\n    spec:\n      restartPolicy: Never\n      containers:\n"
            + "      - name: my-custom-rayjob-submitter\n        image: kuberay/submitter:nightly\n"
            + "        command: [\"/submitter\"]\n"
            + "        args: [\"--runtime-env-json\", '{\"env_vars\":{\"GREETING\":\"hello light\"}}',"
            + " \"--\", \"python\", \"-c\", \"'import os; print(os.environ[\\\"GREETING\\\"])'\"]\n");
    Map<String, Object> status = finished(ns, "light");
    assertThat(status).containsEntry("jobDeploymentStatus", "Complete");
    assertThat(status).containsEntry("jobStatus", "SUCCEEDED");
    Pod pod =
        env.client().pods().inNamespace(ns).withLabel("job-name", "light").list().getItems().get(0);
    String jobId = String.valueOf(status.get("jobId"));
    assertThat(env.pod(ns, pod.getMetadata().getName()).logs())
        .contains("SUCC -- Job '" + jobId + "' submitted successfully")
        .contains("INFO -- Tailing logs until the job finishes:")
        .contains("hello light")
        .contains("SUCC -- Job '" + jobId + "' succeeded");
  }

  @Test
  @DisplayName(
      "SidecarMode: kubectl logs -c ray-job-submitter shows ray job submit's lines and the job's output, the Ray container its own")
  void sidecarSubmitterHasItsOwnLog() {
    String ns = env.createNamespace("sidecar");
    apply(
        ns,
        "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: side\nspec:\n"
            + "  submissionMode: SidecarMode\n  entrypoint: python -c \"print('from the sidecar job')\"\n"
            + HEAD);
    Map<String, Object> status = finished(ns, "side");
    assertThat(status).containsEntry("jobDeploymentStatus", "Complete");
    String jobId = String.valueOf(status.get("jobId"));
    Pod head =
        env.client()
            .pods()
            .inNamespace(ns)
            .withLabel("ray.io/node-type", "head")
            .list()
            .getItems()
            .get(0);
    PodHandle handle = env.pod(ns, head.getMetadata().getName());
    String sidecar =
        Waits.until(
            "the ray-job-submitter container's log",
            "the job's final status",
            Duration.ofSeconds(30),
            () -> handle.logs("ray-job-submitter"),
            l -> l.contains("Job '" + jobId + "' succeeded"),
            l -> l,
            null);
    assertThat(sidecar)
        .contains("Job submission server address: http://127.0.0.1:8265")
        .contains("Job '" + jobId + "' submitted successfully")
        .contains("from the sidecar job");
    assertThat(handle.logs("ray-head")).doesNotContain("submitted successfully");
  }
}
