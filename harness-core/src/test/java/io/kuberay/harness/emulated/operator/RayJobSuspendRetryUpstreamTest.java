package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code spec.suspend} (all releases) and {@code spec.backoffLimit} (v1.2.0+) as each release's
 * {@code rayjob_controller.go} handles them, against an in-process API server with the release's
 * CRDs and a stand-in Ray dashboard; the test plays the RayCluster controller by marking every
 * RayCluster {@code ready}.
 *
 * <ul>
 *   <li>Suspend: {@code updateStatusToSuspendingIfNeeded} moves an Initializing or Running RayJob
 *       to Suspending; Suspending deletes the RayCluster and the submitter Job ({@code
 *       deleteClusterResources}, {@code deleteSubmitterJob}), resets the cluster and Ray job fields
 *       and ends Suspended; unsetting suspend makes it New, and it starts over
 *       (rayjob_controller_suspended_test.go).
 *   <li>Retry: {@code checkBackoffLimitAndUpdateStatusIfNeeded} turns a move to Failed into
 *       Retrying while {@code failed <= backoffLimit}; Retrying releases the cluster as Suspending
 *       does and makes the RayJob New (rayjob_retry_test.go).
 * </ul>
 */
class RayJobSuspendRetryUpstreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final Map<String, Object> ZERO_CLUSTER_STATUS =
      Map.of(
          "desiredCPU", "0",
          "desiredMemory", "0",
          "desiredGPU", "0",
          "desiredTPU", "0",
          "head", Map.of());

  private RayJobControllerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** A dashboard that reports every job RUNNING. */
  private KubernetesClient start(String version) throws IOException {
    fixture = RayJobControllerFixture.start(UpstreamSpecs.flavor(version));
    return fixture.client();
  }

  private static void createJob(KubernetesClient client, String spec) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: ray.io/v1
                kind: RayJob
                metadata: {name: job, namespace: default}
                spec:
                  entrypoint: echo hi
                  shutdownAfterJobFinishes: true
                  rayClusterSpec:
                    headGroupSpec:
                      rayStartParams: {}
                      template:
                        spec:
                          containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
                """
                    + spec,
                GenericKubernetesResource.class))
        .create();
  }

  private static List<GenericKubernetesResource> clusters(KubernetesClient client) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .list()
        .getItems();
  }

  private static GenericKubernetesResource job(KubernetesClient client) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .withName("job")
        .get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitStatus(KubernetesClient client, String deployment) {
    return Awaitility.await("RayJob default/job " + deployment)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              UpstreamSpecs.readyClusters(client);
              return (Map<String, Object>)
                  job(client).getAdditionalProperties().getOrDefault("status", Map.of());
            },
            s -> deployment.equals(s.get("jobDeploymentStatus")));
  }

  /** As kubectl edit: read, change, write; again from the new version on a conflict. */
  private static void setSuspend(KubernetesClient client, boolean suspend) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .withName("job")
            .edit(
                r -> {
                  @SuppressWarnings("unchecked")
                  Map<String, Object> spec =
                      (Map<String, Object>) r.getAdditionalProperties().get("spec");
                  spec.put("suspend", suspend);
                  return r;
                });
        return;
      } catch (KubernetesClientException e) {
        // The controller wrote the status between the read and the write.
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static List<String> events(KubernetesClient client) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aRayJobCreatedSuspendedGetsNoClusterUntilResumed(String version) throws IOException {
    KubernetesClient client = start(version);
    createJob(client, "  submissionMode: HTTPMode\n  suspend: true\n");

    Map<String, Object> suspended = awaitStatus(client, "Suspended");

    assertThat(clusters(client)).isEmpty();
    assertThat(suspended)
        .doesNotContainKeys("rayClusterName", "jobId", "dashboardURL", "jobStatus", "endTime")
        .containsKey("startTime")
        .containsEntry("rayClusterStatus", ZERO_CLUSTER_STATUS);

    setSuspend(client, false);
    Map<String, Object> running = awaitStatus(client, "Running");

    assertThat(running).containsEntry("jobStatus", "RUNNING").containsKey("rayClusterName");
    assertThat(clusters(client)).hasSize(1);
    Map<String, String> labels = clusters(client).get(0).getMetadata().getLabels();
    // v1.7.0's constructRayClusterForRayJob labels the cluster with the submission mode.
    if ("v1.7.0".equals(version)) {
      assertThat(labels).containsEntry("ray.io/job-submission-mode", "HTTPMode");
    } else {
      assertThat(labels).doesNotContainKey("ray.io/job-submission-mode");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void suspendingARunningRayJobDeletesItsClusterAndSubmitter(String version) throws IOException {
    KubernetesClient client = start(version);
    createJob(client, "");
    Map<String, Object> running = awaitStatus(client, "Running");
    String clusterName = String.valueOf(running.get("rayClusterName"));
    assertThat(client.batch().v1().jobs().inNamespace("default").withName("job").get()).isNotNull();

    setSuspend(client, true);
    Map<String, Object> suspended = awaitStatus(client, "Suspended");

    assertThat(clusters(client)).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace("default").withName("job").get()).isNull();
    assertThat(suspended)
        .doesNotContainKeys("rayClusterName", "jobId", "dashboardURL", "jobStatus", "message")
        .containsEntry("rayClusterStatus", ZERO_CLUSTER_STATUS);
    boolean modern = !"v1.1.0".equals(version);
    assertThat(events(client))
        .contains(
            modern ? "DeletedRayCluster" : "Deleted",
            modern ? "DeletedRayJobSubmitter" : "Deleted");
    assertThat(
            client.v1().events().inNamespace("default").list().getItems().stream()
                .map(Event::getMessage))
        .contains(
            "Deleted cluster " + (modern ? "default/" : "") + clusterName,
            "Deleted submitter K8s Job " + (modern ? "default/" : "") + "job");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aFailedAttemptIsRetriedOnANewClusterUntilTheBackoffLimit(String version) throws IOException {
    KubernetesClient client = start(version);
    fixture.dashboard.job("FAILED", "Job entrypoint command failed with exit code 1", null);
    createJob(client, "  submissionMode: HTTPMode\n  backoffLimit: 1\n");

    Map<String, Object> failed = awaitStatus(client, "Failed");

    assertThat(failed)
        .containsEntry("failed", 2)
        .containsEntry("succeeded", 0)
        .containsEntry("reason", "AppFailed")
        .containsKey("endTime");
    // Two attempts, each on its own cluster: the first deleted by Retrying.
    assertThat(events(client).stream().filter("CreatedRayCluster"::equals)).hasSize(2);
    assertThat(events(client).stream().filter("DeletedRayCluster"::equals)).hasSizeGreaterThan(0);
  }

  @Test
  void aDeadlineFailureIsNotRetried() {
    OperatorFlavor flavor = UpstreamSpecs.flavor("v1.5.0");
    GenericKubernetesResource resource =
        Serialization.unmarshal(
            "apiVersion: ray.io/v1\nkind: RayJob\nmetadata: {name: j}\nspec: {backoffLimit: 2}\n",
            GenericKubernetesResource.class);
    RayJobView job = new RayJobView(resource);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("jobDeploymentStatus", "Failed");
    status.put("failed", 1);
    status.put("reason", "AppFailed");
    assertThat(RayJobController.retries(flavor, job, status)).isTrue();
    status.put("failed", 3);
    assertThat(RayJobController.retries(flavor, job, status)).isFalse();
    status.put("failed", 1);
    status.put("reason", "DeadlineExceeded");
    assertThat(RayJobController.retries(flavor, job, status)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aRunningReconcileResetsAStaleReason(String version) throws IOException {
    KubernetesClient client = start(version);
    createJob(client, "  submissionMode: HTTPMode\n");
    awaitStatus(client, "Running");

    Awaitility.await("a stale reason reset by a Running reconcile")
        .atMost(WAIT)
        .until(
            () -> {
              GenericKubernetesResource job = job(client);
              @SuppressWarnings("unchecked")
              Map<String, Object> status =
                  (Map<String, Object>) job.getAdditionalProperties().get("status");
              if (!status.containsKey("reason")) {
                status.put("reason", "SubmissionFailed");
                try {
                  client
                      .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
                      .inNamespace("default")
                      .resource(job)
                      .updateStatus();
                } catch (RuntimeException e) {
                  return false;
                }
              }
              return true;
            });
    Awaitility.await("reason reset")
        .atMost(WAIT)
        .until(
            () ->
                !((Map<?, ?>) job(client).getAdditionalProperties().get("status"))
                    .containsKey("reason"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aRayJobManagedByKueueIsLeftAlone(String version) throws IOException {
    KubernetesClient client = start(version);
    createJob(client, "  managedBy: kueue.x-k8s.io/multikueue\n");

    Awaitility.await()
        .during(Duration.ofMillis(700))
        .atMost(WAIT)
        .until(() -> job(client).getAdditionalProperties().get("status") == null);
    assertThat(job(client).getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(clusters(client)).isEmpty();
  }

  @Test
  void v170FailsARayJobStillInitializingPastItsPreRunningDeadline() throws IOException {
    KubernetesClient client = start("v1.7.0");
    createJob(client, "  submissionMode: InteractiveMode\n  preRunningDeadlineSeconds: 1\n");

    Map<String, Object> failed = awaitStatus(client, "Failed");

    assertThat(failed).containsEntry("reason", "PreRunningDeadlineExceeded").containsKey("endTime");
    assertThat(String.valueOf(failed.get("message")))
        .matches(
            "The RayJob has passed the preRunningDeadlineSeconds\\. StartTime: "
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC\\."
                + " PreRunningDeadlineSeconds: 1");
  }
}
