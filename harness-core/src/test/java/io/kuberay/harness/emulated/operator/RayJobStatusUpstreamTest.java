package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RayJob status fields each release writes, against an in-process API server with the release's
 * own CRDs and a stand-in Ray dashboard (HTTPMode on a selected RayCluster, which the test keeps
 * {@code ready}):
 *
 * <ul>
 *   <li>{@code succeeded}/{@code failed}: v1.2.0+'s {@code
 *       checkBackoffLimitAndUpdateStatusIfNeeded} writes both on every status update, counting the
 *       move to Complete with the Ray job SUCCEEDED or to Failed (k3s, v1.5.0: {@code failed: 0},
 *       {@code succeeded: 1} after a successful job in K8sJobMode and in HTTPMode); the CRD
 *       defaults both to 0 ({@code +kubebuilder:default:=0}), so a ValidationFailed status, written
 *       before counting, has them too. v1.1.0 has neither field.
 *   <li>{@code observedGeneration}: a field of RayJobStatus in every release, never set by the
 *       RayJob controller (only the RayCluster and RayService controllers set theirs), so omitted.
 *   <li>{@code rayJobInfo}: v1.4.0+ copies the dashboard's {@code start_time}/{@code end_time} (ms)
 *       as {@code metav1.Time}s in the Running reconcile; a struct, so {@code {}} until then.
 * </ul>
 */
class RayJobStatusUpstreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The Ray job's end, as Ray reports it (the stand-in dashboard starts it at 14:40:00.123Z). */
  private static final Instant END = Instant.parse("2025-12-02T14:40:05.987Z");

  private RayJobControllerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** A dashboard that reports every job SUCCEEDED, started and ended as Ray reports it. */
  private KubernetesClient start(String version) throws IOException {
    fixture = RayJobControllerFixture.start(UpstreamSpecs.flavor(version));
    fixture.dashboard.job("SUCCEEDED", "Job finished successfully.", END);
    return fixture.client();
  }

  private static void createJob(KubernetesClient client, String spec) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .resource(
            Serialization.unmarshal(
                "apiVersion: ray.io/v1\nkind: RayJob\nmetadata: {name: http-job, namespace: default}\n"
                    + "spec:\n  entrypoint: echo hi\n"
                    + spec,
                GenericKubernetesResource.class))
        .create();
  }

  private static final String HTTP_ON_SELECTED = RayJobControllerFixture.HTTP_ON_SELECTED;

  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitStatus(KubernetesClient client, String deployment) {
    return Awaitility.await("RayJob default/http-job " + deployment)
        .atMost(WAIT)
        .until(
            () -> {
              GenericKubernetesResource job =
                  client
                      .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
                      .inNamespace("default")
                      .withName("http-job")
                      .get();
              return (Map<String, Object>)
                  job.getAdditionalProperties().getOrDefault("status", Map.of());
            },
            s -> deployment.equals(s.get("jobDeploymentStatus")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aSucceededJobCountsOneSuccessAndKeepsRaysTimes(String version) throws IOException {
    KubernetesClient client = start(version);
    fixture.selectedCluster();
    createJob(client, HTTP_ON_SELECTED);

    Map<String, Object> status = awaitStatus(client, "Complete");

    assertThat(status)
        .containsEntry("jobStatus", "SUCCEEDED")
        .containsEntry("succeeded", 1)
        .containsEntry("failed", 0)
        .doesNotContainKeys("observedGeneration", "reason");
    assertThat(status.get("rayJobInfo"))
        .isEqualTo(Map.of("startTime", "2025-12-02T14:40:00Z", "endTime", "2025-12-02T14:40:05Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aFailedJobCountsOneFailure(String version) throws IOException {
    KubernetesClient client = start(version);
    fixture.dashboard.job("FAILED", "Job entrypoint command failed with exit code 1", END);
    fixture.selectedCluster();
    createJob(client, HTTP_ON_SELECTED);

    Map<String, Object> status = awaitStatus(client, "Failed");

    assertThat(status)
        .containsEntry("reason", "AppFailed")
        .containsEntry("succeeded", 0)
        .containsEntry("failed", 1);
    assertThat(status.get("rayJobInfo"))
        .isEqualTo(Map.of("startTime", "2025-12-02T14:40:00Z", "endTime", "2025-12-02T14:40:05Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aValidationFailureHasTheCrdsZeroCountsAndAnEmptyRayJobInfo(String version)
      throws IOException {
    KubernetesClient client = start(version);
    createJob(client, "  submissionMode: HTTPMode\n");

    Map<String, Object> status = awaitStatus(client, "ValidationFailed");

    assertThat(status)
        .containsEntry("succeeded", 0)
        .containsEntry("failed", 0)
        .containsEntry("rayJobInfo", Map.of())
        .doesNotContainKeys("observedGeneration", "jobStatus");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0"})
  void v110WritesNeitherCountsNorRayJobInfo(String version) throws IOException {
    KubernetesClient client = start(version);
    fixture.selectedCluster();
    createJob(client, HTTP_ON_SELECTED);

    Map<String, Object> status = awaitStatus(client, "Complete");

    assertThat(status)
        .containsEntry("jobStatus", "SUCCEEDED")
        .doesNotContainKeys("succeeded", "failed", "rayJobInfo", "observedGeneration");
  }
}
