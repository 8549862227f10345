package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.Waits;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RayJob controller's Running reconcile per release, as {@code rayjob_controller.go} does it
 * and its tests check it ({@code rayjob_controller_test.go} "RayJob job status query timeout",
 * e2erayjob's submitter-finished timeout and SidecarMode cases): against an in-process API server
 * with the release's CRDs and a {@link StandInDashboard}; the test plays the RayCluster controller
 * (state {@code ready}), the kubelet (a SidecarMode head pod's container statuses) and the Job
 * controller (the submitter Job's conditions).
 */
class RayJobRunningUpstreamTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** How long a RayJob is watched to stay as it is (the controller looks every 500 ms). */
  private static final Duration STAYS = Duration.ofSeconds(2);

  private static final String NAME = "rayjob-sample";
  private static final String OBJECT = "RayJob default/" + NAME;

  private static final String OWN_CLUSTER =
      """
        rayClusterSpec:
          headGroupSpec:
            rayStartParams: {}
            template:
              spec:
                containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
      """;

  private static final String HTTP_ON_SELECTED = RayJobControllerFixture.HTTP_ON_SELECTED;

  private static final DateTimeFormatter GO_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private RayJobControllerFixture fixture;
  private StandInDashboard dashboard;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** The release's operator, its container's env given as name/value pairs. */
  private void start(String version, String... env) throws IOException {
    KubeRayVersion release = KubeRayVersion.of(version);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i < env.length; i += 2) {
      entries.add(Map.of("name", env[i], "value", env[i + 1]));
    }
    fixture =
        RayJobControllerFixture.start(
            new OperatorFlavor(release, OperatorOptions.parse(release, List.of(), entries)));
    client = fixture.client();
    dashboard = fixture.dashboard;
  }

  private void createJob(String spec) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .resource(
            Serialization.unmarshal(
                "apiVersion: ray.io/v1\nkind: RayJob\nmetadata: {name: "
                    + NAME
                    + ", namespace: default}\nspec:\n  entrypoint: python -c 'print(1)'\n"
                    + spec,
                GenericKubernetesResource.class))
        .create();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status() {
    GenericKubernetesResource job =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .withName(NAME)
            .get();
    return job == null
        ? null
        : (Map<String, Object>) job.getAdditionalProperties().getOrDefault("status", Map.of());
  }

  /** Waits until the status holds; the RayJob's clusters are made ready meanwhile. */
  private Map<String, Object> await(String expectation, Predicate<Map<String, Object>> holds) {
    return Waits.until(
        OBJECT,
        expectation,
        WAIT,
        () -> {
          UpstreamSpecs.readyClusters(client);
          return status();
        },
        holds,
        String::valueOf,
        null);
  }

  private Map<String, Object> awaitDeployment(String deployment) {
    return await(
        "jobDeploymentStatus " + deployment, s -> deployment.equals(s.get("jobDeploymentStatus")));
  }

  /** Fails as soon as the status stops holding within {@link #STAYS}. */
  private void stays(String expectation, Predicate<Map<String, Object>> holds) {
    long until = System.nanoTime() + STAYS.toNanos();
    Waits.until(
        OBJECT,
        expectation + " for " + STAYS,
        STAYS.plusSeconds(5),
        this::status,
        s -> System.nanoTime() >= until,
        String::valueOf,
        s -> !holds.test(s));
  }

  private static Predicate<Map<String, Object>> running(String jobStatus) {
    return s ->
        "Running".equals(s.get("jobDeploymentStatus")) && jobStatus.equals(s.get("jobStatus"));
  }

  /** Plays the Job controller: the submitter Job finished with {@code type} at {@code at}. */
  private void submitterJobFinished(String type, Instant at) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace("default")
        .withName(NAME)
        .editStatus(
            j -> {
              JobStatus s = j.getStatus() == null ? new JobStatus() : j.getStatus();
              s.setConditions(
                  List.of(
                      new JobConditionBuilder()
                          .withType(type)
                          .withStatus("True")
                          .withReason(
                              "Complete".equals(type)
                                  ? "CompletionsReached"
                                  : "BackoffLimitExceeded")
                          .withMessage("from the test")
                          .withLastTransitionTime(at.truncatedTo(ChronoUnit.SECONDS).toString())
                          .build()));
              j.setStatus(s);
              return j;
            });
  }

  /** Sets a field of the RayJob's status, as another writer would. */
  private void patchStatus(String field, Object value) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .withName(NAME)
        .editStatus(
            r -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> s =
                  new LinkedHashMap<>(
                      (Map<String, Object>) r.getAdditionalProperties().get("status"));
              s.put(field, value);
              r.getAdditionalProperties().put("status", s);
              return r;
            });
  }

  /** The summed counts of the RayJob's events with this reason and message. */
  private int events(String reason, String message) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()) && message.equals(e.getMessage()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  private String clusterName() {
    return String.valueOf(status().get("rayClusterName"));
  }

  // --- v1.5.0+: checkTransitionGracePeriodAndUpdateStatusIfNeeded

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aRayJobWhoseRayJobEndedCompletesPastTheGracePeriodThoughItsSubmitterRuns(String version)
      throws IOException {
    start(version, "RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS", "2");
    dashboard.job("SUCCEEDED", "Job finished successfully.", Instant.now());
    createJob(OWN_CLUSTER); // K8sJobMode: its submitter Job never finishes here

    Map<String, Object> status = awaitDeployment("Complete");

    assertThat(status)
        .containsEntry("jobStatus", "SUCCEEDED")
        .containsEntry("reason", "JobDeploymentStatusTransitionGracePeriodExceeded")
        .containsEntry(
            "message",
            "JobDeploymentStatus does not transition to Complete or Failed within the grace period"
                + " after JobStatus reaches a terminal state.")
        .containsEntry("succeeded", 1);
    Instant rayEnd =
        Instant.parse(String.valueOf(((Map<?, ?>) status.get("rayJobInfo")).get("endTime")));
    assertThat(Instant.parse(String.valueOf(status.get("endTime"))))
        .as("the RayJob's end, 2 s (the env's grace period) after the Ray job's")
        .isAfterOrEqualTo(rayEnd.plusSeconds(2));
  }

  @Test
  void aFailedRayJobPastTheGracePeriodFailsTheRayJob() throws IOException {
    start("v1.7.0", "RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS", "0");
    dashboard.job("FAILED", "Job entrypoint command failed with exit code 1", Instant.now());
    createJob(OWN_CLUSTER);

    Map<String, Object> status = awaitDeployment("Failed");

    assertThat(status)
        .containsEntry("jobStatus", "FAILED")
        .containsEntry("reason", "JobDeploymentStatusTransitionGracePeriodExceeded")
        .containsEntry("failed", 1);
  }

  @Test
  void theGracePeriodIs300SecondsByDefault() throws IOException {
    start("v1.5.0");
    dashboard.job("SUCCEEDED", "Job finished successfully.", Instant.now());
    createJob(OWN_CLUSTER);
    await("Running with the Ray job SUCCEEDED", running("SUCCEEDED"));

    stays(
        "Running while its submitter runs, within 300 s of the Ray job's end",
        running("SUCCEEDED"));

    dashboard.job("SUCCEEDED", "Job finished successfully.", Instant.now().minusSeconds(301));
    assertThat(awaitDeployment("Complete"))
        .containsEntry("reason", "JobDeploymentStatusTransitionGracePeriodExceeded");
  }

  // --- v1.5.0+: checkSubmitterFinishedTimeoutAndUpdateStatusIfNeeded (K8sJobMode)

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aSubmitterJobThatFinished30SecondsAgoFailsARayJobThatHasNotEnded(String version)
      throws IOException {
    start(version);
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    Instant finished = Instant.now().minusSeconds(40);

    submitterJobFinished("Complete", finished);

    Map<String, Object> status = awaitDeployment("Failed");
    assertThat(status)
        .containsEntry("jobStatus", "FAILED")
        .containsEntry("reason", "JobDeploymentStatusTransitionGracePeriodExceeded")
        .containsEntry(
            "message",
            "The RayJob submitter finished at "
                + GO_DATE_TIME.format(finished)
                + " but the ray job did not reach terminal state within 30s");
  }

  @Test
  void v110WaitsForTheRayJobWhenItsSubmitterJobHasFinished() throws IOException {
    start("v1.1.0");
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    submitterJobFinished("Complete", Instant.now().minusSeconds(40));

    stays("Running: v1.1.0 has no submitter-finished timeout", running("RUNNING"));

    dashboard.job("SUCCEEDED", "Job finished successfully.", Instant.now());
    assertThat(awaitDeployment("Complete")).doesNotContainKey("reason");
  }

  // --- the Ray job the dashboard does not know (GetJobInfo's BadRequest)

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aJobTheDashboardDoesNotKnowFailsOnceTheSubmitterFinished(String version) throws IOException {
    start(version);
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    dashboard.answer(StandInDashboard.Answer.NOT_FOUND);

    stays("Running while its submitter runs", running("RUNNING"));

    submitterJobFinished("Complete", Instant.now());
    assertThat(awaitDeployment("Failed"))
        .containsEntry("reason", "AppFailed")
        .containsEntry("message", "Submitter completed but Ray job not found in RayCluster.")
        .containsEntry("jobStatus", "RUNNING");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void httpModeSubmitsAgainAJobTheDashboardDoesNotKnow(String version) throws IOException {
    start(version);
    fixture.selectedCluster();
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(HTTP_ON_SELECTED);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    assertThat(dashboard.submissions()).as("the Initializing submission").isEqualTo(1);

    dashboard.answer(StandInDashboard.Answer.NOT_FOUND);

    Waits.until(
        "the stand-in dashboard",
        "a second submission of the RayJob's job",
        WAIT,
        dashboard::submissions,
        n -> n >= 2,
        n -> n + " submissions",
        null);
    assertThat(status()).containsEntry("jobDeploymentStatus", "Running");
  }

  // --- v1.7.0: the job status-check timeout

  @Test
  void v170RecordsWhenStatusChecksBeganFailingAndFailsOncePastTheTimeout() throws IOException {
    start("v1.7.0");
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob("  backoffLimit: 2\n" + OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));

    dashboard.answer(StandInDashboard.Answer.ERROR);

    Map<String, Object> failing =
        await(
            "jobStatusCheckFailureStartTime", s -> s.get("jobStatusCheckFailureStartTime") != null);
    Object since = failing.get("jobStatusCheckFailureStartTime");
    stays(
        "Running with jobStatusCheckFailureStartTime " + since + ", recorded once",
        s ->
            "Running".equals(s.get("jobDeploymentStatus"))
                && since.equals(s.get("jobStatusCheckFailureStartTime")));

    Instant tenMinutesAgo = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
    patchStatus("jobStatusCheckFailureStartTime", tenMinutesAgo.toString());

    Map<String, Object> status = awaitDeployment("Failed");
    assertThat(status)
        .containsEntry("reason", "JobStatusCheckTimeoutExceeded")
        .containsEntry(
            "message",
            "Job status checks have been failing since "
                + GO_DATE_TIME.format(tenMinutesAgo)
                + "; exceeded timeout of 300s")
        .containsEntry("failed", 1);
    stays(
        "Failed, not retried (checkBackoffLimitAndUpdateStatusIfNeeded)",
        s -> "Failed".equals(s.get("jobDeploymentStatus")));
  }

  @Test
  void v170HttpModeFailsOnceStatusChecksFailedLongerThanTheEnvsTimeout() throws IOException {
    start("v1.7.0", "RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS", "2");
    fixture.selectedCluster();
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(HTTP_ON_SELECTED);
    await("Running with the Ray job RUNNING", running("RUNNING"));

    dashboard.answer(StandInDashboard.Answer.ERROR);

    Map<String, Object> status = awaitDeployment("Failed");
    assertThat(status)
        .containsEntry("reason", "JobStatusCheckTimeoutExceeded")
        .hasEntrySatisfying(
            "message", m -> assertThat(String.valueOf(m)).endsWith("; exceeded timeout of 2s"));
  }

  @Test
  void v170ClearsTheFailureTimeOnceTheJobIsSubmittedAgain() throws IOException {
    start("v1.7.0");
    fixture.selectedCluster();
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(HTTP_ON_SELECTED);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    dashboard.answer(StandInDashboard.Answer.ERROR);
    await("jobStatusCheckFailureStartTime", s -> s.get("jobStatusCheckFailureStartTime") != null);

    dashboard.answer(StandInDashboard.Answer.NOT_FOUND);

    await(
        "no jobStatusCheckFailureStartTime after the submission",
        s -> s.get("jobStatusCheckFailureStartTime") == null);
    assertThat(dashboard.submissions()).isGreaterThanOrEqualTo(2);
    stays("Running", s -> "Running".equals(s.get("jobDeploymentStatus")));
  }

  @Test
  void v170ClearsTheFailureTimeOnTheNextAnswer() throws IOException {
    start("v1.7.0");
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    dashboard.answer(StandInDashboard.Answer.ERROR);
    await("jobStatusCheckFailureStartTime", s -> s.get("jobStatusCheckFailureStartTime") != null);

    dashboard.answer(StandInDashboard.Answer.JOB);

    await(
        "no jobStatusCheckFailureStartTime once the dashboard answers",
        s -> s.get("jobStatusCheckFailureStartTime") == null && running("RUNNING").test(s));
  }

  @Test
  void v150NeitherRecordsNorTimesOutFailedStatusChecks() throws IOException {
    start("v1.5.0");
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));

    dashboard.answer(StandInDashboard.Answer.ERROR);

    stays(
        "Running, without jobStatusCheckFailureStartTime",
        s -> running("RUNNING").test(s) && !s.containsKey("jobStatusCheckFailureStartTime"));
    // Written by someone else (the emulated API server does not prune status writes, where a
    // real one drops what v1.5.0's CRD does not declare): v1.5.0 does not read it either.
    Instant tenMinutesAgo = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
    patchStatus("jobStatusCheckFailureStartTime", tenMinutesAgo.toString());
    stays("Running", running("RUNNING"));
  }

  // --- SidecarMode (v1.5.0+): checkSubmitterAndUpdateStatusIfNeeded

  private static final String SIDECAR = "  submissionMode: SidecarMode\n" + OWN_CLUSTER;

  /** Plays the RayCluster controller and kubelet: the head pod, its containers running. */
  private void headPod() {
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("head")
                .withNamespace("default")
                .addToLabels("ray.io/cluster", clusterName())
                .addToLabels("ray.io/node-type", "head")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("ray-head")
                .withImage("rayproject/ray:2.52.0")
                .endContainer()
                .addNewContainer()
                .withName(SubmitterContainer.NAME)
                .withImage("rayproject/ray:2.52.0")
                .endContainer()
                .endSpec()
                .build())
        .create();
    sidecar(
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .build());
  }

  /** Plays the kubelet: the head pod's ray-job-submitter container is in {@code state}. */
  private void sidecar(ContainerState state) {
    Pod head = client.pods().inNamespace("default").withName("head").get();
    head.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .addToContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("ray-head")
                    .withState(
                        new ContainerStateBuilder()
                            .withNewRunning()
                            .withStartedAt("2026-12-05T10:00:00Z")
                            .endRunning()
                            .build())
                    .build(),
                new ContainerStatusBuilder()
                    .withName(SubmitterContainer.NAME)
                    .withState(state)
                    .build())
            .build());
    client.pods().inNamespace("default").resource(head).updateStatus();
  }

  private static ContainerState terminated(int exitCode, Instant finishedAt) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(exitCode == 0 ? "Completed" : "Error")
        .withStartedAt("2026-12-05T10:00:00Z")
        .withFinishedAt(finishedAt.truncatedTo(ChronoUnit.SECONDS).toString())
        .endTerminated()
        .build();
  }

  /** A SidecarMode RayJob Running with its head pod (the sidecar not started yet). */
  private void sidecarJobRunning(String version, String rayStatus, String rayMessage)
      throws IOException {
    start(version);
    dashboard.job(rayStatus, rayMessage, "RUNNING".equals(rayStatus) ? null : Instant.now());
    createJob(SIDECAR);
    // Its cluster is not made ready before the head pod exists: Running would fail without it.
    Waits.until(
        OBJECT,
        "a RayCluster name",
        WAIT,
        this::status,
        s -> s.get("rayClusterName") != null,
        String::valueOf,
        null);
    headPod();
    await("Running with the Ray job " + rayStatus, running(rayStatus));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void sidecarModeWithoutAHeadPodFails(String version) throws IOException {
    start(version);
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(SIDECAR);

    assertThat(awaitDeployment("Failed"))
        .containsEntry("reason", "AppFailed")
        .containsEntry("message", "Ray head pod not found.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aSidecarThatExitedNonZeroBeforeTheRayJobFailedIsASubmissionFailure(String version)
      throws IOException {
    sidecarJobRunning(version, "RUNNING", "Job is currently running.");

    sidecar(terminated(1, Instant.now()));

    assertThat(awaitDeployment("Failed"))
        .containsEntry("reason", "SubmissionFailed")
        .containsEntry(
            "message",
            "Ray head pod container ray-job-submitter terminated with exit code 1: Error");
  }

  @Test
  void aSidecarThatExitedNonZeroAfterTheRayJobFailedIsAnAppFailure() throws IOException {
    sidecarJobRunning("v1.7.0", "FAILED", "Job entrypoint command failed with exit code 1");
    stays("Running while its sidecar runs", running("FAILED"));

    sidecar(terminated(1, Instant.now()));

    assertThat(awaitDeployment("Failed"))
        .containsEntry("reason", "AppFailed")
        .containsEntry("message", "Job entrypoint command failed with exit code 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void sidecarModeCompletesOnceTheSidecarHasExited(String version) throws IOException {
    sidecarJobRunning(version, "SUCCEEDED", "Job finished successfully.");
    stays("Running while its sidecar runs", running("SUCCEEDED"));

    sidecar(terminated(0, Instant.now()));

    assertThat(awaitDeployment("Complete")).doesNotContainKey("reason");
  }

  @Test
  void aSidecarThatFinished30SecondsAgoFailsARayJobThatHasNotEnded() throws IOException {
    sidecarJobRunning("v1.5.0", "RUNNING", "Job is currently running.");
    Instant finished = Instant.now().minusSeconds(45);

    sidecar(terminated(0, finished));

    assertThat(awaitDeployment("Failed"))
        .containsEntry("jobStatus", "FAILED")
        .containsEntry("reason", "JobDeploymentStatusTransitionGracePeriodExceeded")
        .containsEntry(
            "message",
            "The RayJob submitter finished at "
                + GO_DATE_TIME.format(finished)
                + " but the ray job did not reach terminal state within 30s");
  }

  // --- getOrCreateRayClusterInstance: a RayCluster deleted while the RayJob runs

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void aDeletedRayClusterIsCreatedAgain(String version) throws IOException {
    start(version);
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(OWN_CLUSTER);
    await("Running with the Ray job RUNNING", running("RUNNING"));
    String name = clusterName();
    var cluster =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace("default")
            .withName(name);
    String uid = cluster.get().getMetadata().getUid();
    boolean modern = !"v1.1.0".equals(version);
    String reason = modern ? "CreatedRayCluster" : "Created";
    String message = "Created RayCluster " + (modern ? "default/" : "") + name;

    cluster.delete();

    GenericKubernetesResource again =
        Waits.until(
            "RayCluster default/" + name,
            "created again (a new uid)",
            WAIT,
            cluster::get,
            c -> !uid.equals(c.getMetadata().getUid()),
            c -> "uid " + c.getMetadata().getUid(),
            null);
    assertThat(again.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(NAME));
    Waits.until(
        OBJECT,
        "two " + reason + " events '" + message + "'",
        WAIT,
        () -> events(reason, message),
        n -> n == 2,
        n -> n + " such events",
        null);
    assertThat(status()).containsEntry("jobDeploymentStatus", "Running");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void aDeletedSelectedRayClusterIsNotCreatedAgain(String version) throws IOException {
    start(version);
    fixture.selectedCluster();
    dashboard.job("RUNNING", "Job is currently running.", null);
    createJob(HTTP_ON_SELECTED);
    await("Running with the Ray job RUNNING", running("RUNNING"));

    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withName("selected")
        .delete();

    String warning =
        "RayCluster default/selected set in the clusterSelector is not found. It must be created"
            + " manually";
    Waits.until(
        OBJECT,
        "a RayClusterNotFound event",
        WAIT,
        () -> events("RayClusterNotFound", warning),
        n -> n > 0,
        n -> n + " such events",
        null);
    stays("Running", running("RUNNING"));
    assertThat(
            client
                .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
                .inNamespace("default")
                .list()
                .getItems())
        .isEmpty();
  }
}
