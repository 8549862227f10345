package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.ray.RayJobsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.5.0's own {@code ray-job.sample.yaml}, unchanged (copied from the release into the
 * test resources): its entrypoint runs {@code /home/ray/samples/sample_code.py} from a ConfigMap
 * volume, with a pip runtime env, on the Ray its images name (2.46.0, provisioned on first use).
 */
class RayJobSampleIT {

  /** The runtime env installs requests and builds pendulum 2.1.2 from source on first use. */
  private static final Duration WAIT = Duration.ofMinutes(12);

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
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

  @Test
  @DisplayName(
      "ray-job.sample.yaml as kubectl applies it (RayJob first, then its ConfigMap) completes with the sample's output")
  @SuppressWarnings("unchecked")
  void sampleCompletes() throws IOException {
    String ns = env.createNamespace("sample");
    String yaml = PodVolumesAndEnvIT.resource("ray-job.sample.yaml");
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.contains("kind: RayJob")) {
        GenericKubernetesResource job =
            env.client()
                .getKubernetesSerialization()
                .unmarshal(doc, GenericKubernetesResource.class);
        env.client()
            .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
            .inNamespace(ns)
            .resource(job)
            .create();
      } else if (doc.contains("kind: ConfigMap")) {
        env.client()
            .configMaps()
            .inNamespace(ns)
            .resource(env.client().getKubernetesSerialization().unmarshal(doc, ConfigMap.class))
            .create();
      }
    }
    Map<String, Object> status =
        Waits.until(
            "RayJob " + ns + "/rayjob-sample",
            "jobDeploymentStatus Complete",
            WAIT,
            () -> {
              GenericKubernetesResource r =
                  env.client()
                      .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                      .inNamespace(ns)
                      .withName("rayjob-sample")
                      .get();
              return r == null
                  ? null
                  : (Map<String, Object>)
                      r.getAdditionalProperties().getOrDefault("status", Map.of());
            },
            s -> "Complete".equals(s.get("jobDeploymentStatus")),
            String::valueOf,
            s -> "Failed".equals(s.get("jobDeploymentStatus")));
    assertThat(status).containsEntry("jobStatus", "SUCCEEDED");
    RayClusterHandle cluster =
        env.rayClusters().inNamespace(ns).withName((String) status.get("rayClusterName"));
    String logs = RayJobsClient.connect(cluster.dashboardUrl()).logs((String) status.get("jobId"));
    assertThat(logs).contains("test_counter got 1").contains("test_counter got 5");
  }
}
