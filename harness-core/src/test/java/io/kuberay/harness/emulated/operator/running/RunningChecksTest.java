package io.kuberay.harness.emulated.operator.running;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kuberay.harness.emulated.operator.running.RunningChecks.Transition;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Running checks on plain values, as {@code rayjob_controller_unit_test.go} (v1.7.0) has them
 * ({@code TestGetJobStatusCheckTimeoutSeconds}, {@code
 * TestCheckJobStatusCheckTimeoutAndUpdateStatusIfNeeded}) and as {@code rayjob_controller.go} of
 * v1.5.0 and v1.7.0 reads the others.
 */
class RunningChecksTest {

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00.500Z");

  private static Map<String, Object> status(Object... keyThenValue) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (int i = 0; i < keyThenValue.length; i += 2) {
      s.put((String) keyThenValue[i], keyThenValue[i + 1]);
    }
    return s;
  }

  @Test
  void theStatusCheckTimeoutIsTheEnvsPositiveSecondsElse300() {
    assertThat(RunningChecks.statusCheckTimeout(Optional.of("120"))).hasSeconds(120);
    assertThat(RunningChecks.statusCheckTimeout(Optional.of("+7"))).hasSeconds(7);
    for (String other :
        new String[] {"invalid", "0", "-5", " 5", "1.5", "", "99999999999999999999"}) {
      assertThat(RunningChecks.statusCheckTimeout(Optional.of(other)))
          .as("'%s'", other)
          .hasSeconds(300);
    }
    assertThat(RunningChecks.statusCheckTimeout(Optional.empty())).hasSeconds(300);
  }

  @Test
  void theGracePeriodIsAnyWholeNumberOfTheEnvElse300() {
    assertThat(RunningChecks.gracePeriod(Optional.of("2"))).hasSeconds(2);
    assertThat(RunningChecks.gracePeriod(Optional.of("0"))).isZero();
    assertThat(RunningChecks.gracePeriod(Optional.of("-1"))).hasSeconds(-1);
    assertThat(RunningChecks.gracePeriod(Optional.of("two"))).hasSeconds(300);
    assertThat(RunningChecks.gracePeriod(Optional.empty())).hasSeconds(300);
  }

  @Test
  void checkJobStatusCheckTimeoutAndUpdateStatusIfNeeded() {
    Duration timeout = Duration.ofSeconds(300);
    assertThat(RunningChecks.jobStatusCheckTimeout(status("jobId", "test-job"), timeout, NOW))
        .as("no failure recorded")
        .isEmpty();
    assertThat(
            RunningChecks.jobStatusCheckTimeout(
                status("jobStatusCheckFailureStartTime", "2026-12-05T10:00:00Z"), timeout, NOW))
        .as("failing since now")
        .isEmpty();

    Optional<Transition> failed =
        RunningChecks.jobStatusCheckTimeout(
            status("jobStatusCheckFailureStartTime", "2026-12-05T09:59:58Z"),
            Duration.ofSeconds(1),
            NOW);

    assertThat(failed)
        .contains(
            new Transition(
                "Failed",
                "JobStatusCheckTimeoutExceeded",
                Optional.of(
                    "Job status checks have been failing since 2026-12-05 09:59:58; exceeded"
                        + " timeout of 1s"),
                Optional.empty()));
  }

  @Test
  void theGracePeriodCountsFromTheRayJobsEndWhileTheRayJobIsTerminalAndTheRayJobRunning() {
    Duration grace = Duration.ofSeconds(300);
    Map<String, Object> ended =
        status(
            "jobStatus",
            "STOPPED",
            "jobDeploymentStatus",
            "Running",
            "rayJobInfo",
            Map.of("endTime", "2026-12-05T09:55:00Z"));
    assertThat(RunningChecks.transitionGracePeriod(ended, grace, NOW))
        .map(Transition::deploymentStatus)
        .as("300 s after 09:55:00")
        .contains("Complete");
    assertThat(RunningChecks.transitionGracePeriod(ended, grace, NOW.minusSeconds(1))).isEmpty();

    ended.put("jobStatus", "FAILED");
    assertThat(RunningChecks.transitionGracePeriod(ended, grace, NOW))
        .contains(
            new Transition(
                "Failed",
                "JobDeploymentStatusTransitionGracePeriodExceeded",
                Optional.of(
                    "JobDeploymentStatus does not transition to Complete or Failed within the"
                        + " grace period after JobStatus reaches a terminal state."),
                Optional.empty()));

    ended.put("jobStatus", "RUNNING");
    assertThat(RunningChecks.transitionGracePeriod(ended, grace, NOW)).as("not terminal").isEmpty();
    ended.put("jobStatus", "SUCCEEDED");
    ended.put("rayJobInfo", Map.of());
    assertThat(RunningChecks.transitionGracePeriod(ended, grace, NOW))
        .as("no rayJobInfo.endTime (an older CRD)")
        .isEmpty();
  }

  @Test
  void aSubmitterMayFinish30SecondsBeforeTheRayJob() {
    Instant finished = Instant.parse("2026-12-05T09:59:30Z");
    assertThat(RunningChecks.submitterFinishedTimeout(Optional.of(finished), NOW))
        .contains(
            new Transition(
                "Failed",
                "JobDeploymentStatusTransitionGracePeriodExceeded",
                Optional.of(
                    "The RayJob submitter finished at 2026-12-05 09:59:30 but the ray job did not"
                        + " reach terminal state within 30s"),
                Optional.of("FAILED")));
    assertThat(RunningChecks.submitterFinishedTimeout(Optional.of(finished.plusSeconds(1)), NOW))
        .isEmpty();
    assertThat(RunningChecks.submitterFinishedTimeout(Optional.empty(), NOW)).isEmpty();
  }

  private static Job job(String type, String status, String at) {
    return new JobBuilder()
        .withNewStatus()
        .addNewCondition()
        .withType("SuccessCriteriaMet")
        .withStatus("True")
        .withLastTransitionTime("2026-12-05T09:00:00Z")
        .endCondition()
        .addNewCondition()
        .withType(type)
        .withStatus(status)
        .withReason("BackoffLimitExceeded")
        .withMessage("Job has reached the specified backoff limit")
        .withLastTransitionTime(at)
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void aSubmitterJobFinishesWithItsCompleteOrFailedCondition() {
    assertThat(RunningChecks.jobFinishedAt(job("Complete", "True", "2026-12-05T09:59:00Z")))
        .contains(Instant.parse("2026-12-05T09:59:00Z"));
    assertThat(RunningChecks.jobFinishedAt(job("Failed", "True", "2026-12-05T09:59:01Z")))
        .contains(Instant.parse("2026-12-05T09:59:01Z"));
    assertThat(RunningChecks.jobFinishedAt(job("Failed", "False", "2026-12-05T09:59:01Z")))
        .isEmpty();
    assertThat(RunningChecks.jobFinishedAt(new Job())).isEmpty();
  }

  @Test
  void aFailedSubmitterJobIsTheSubmissionsFailureUnlessTheRayJobFailed() {
    Job failed = job("Failed", "True", "2026-12-05T09:59:01Z");
    assertThat(RunningChecks.submitterJobFailed(failed, "RUNNING"))
        .contains(
            new Transition(
                "Failed",
                "SubmissionFailed",
                Optional.of(
                    "Job submission has failed. Reason: BackoffLimitExceeded. Message: Job has"
                        + " reached the specified backoff limit"),
                Optional.empty()));
    assertThat(RunningChecks.submitterJobFailed(failed, "FAILED"))
        .contains(new Transition("Failed", "AppFailed", Optional.empty(), Optional.empty()));
    assertThat(RunningChecks.submitterJobFailed(job("Complete", "True", "x"), null)).isEmpty();
  }

  private static Pod head(ContainerStateBuilder submitter) {
    return new PodBuilder()
        .withNewStatus()
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("ray-head")
                .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
                .build(),
            new ContainerStatusBuilder()
                .withName(SubmitterContainer.NAME)
                .withState(submitter.build())
                .build())
        .endStatus()
        .build();
  }

  private static ContainerStateBuilder terminated(int exitCode, String reason) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withFinishedAt("2026-12-05T09:59:59Z")
        .endTerminated();
  }

  @Test
  void theSidecarsExitAndEnd() {
    Pod failed = head(terminated(1, "Error"));
    assertThat(RunningChecks.sidecarFailed(failed, "RUNNING"))
        .contains(
            new Transition(
                "Failed",
                "SubmissionFailed",
                Optional.of(
                    "Ray head pod container ray-job-submitter terminated with exit code 1: Error"),
                Optional.empty()));
    assertThat(RunningChecks.sidecarFailed(failed, "FAILED"))
        .contains(new Transition("Failed", "AppFailed", Optional.empty(), Optional.empty()));
    assertThat(RunningChecks.sidecarFinishedAt(failed))
        .contains(Instant.parse("2026-12-05T09:59:59Z"));

    Pod succeeded = head(terminated(0, "Completed"));
    assertThat(RunningChecks.sidecarFailed(succeeded, "SUCCEEDED")).isEmpty();
    assertThat(RunningChecks.sidecarFinishedAt(succeeded)).isPresent();

    Pod running = head(new ContainerStateBuilder().withNewRunning().endRunning());
    assertThat(RunningChecks.sidecarFailed(running, "RUNNING")).isEmpty();
    assertThat(RunningChecks.sidecarFinishedAt(running)).isEmpty();
    assertThat(RunningChecks.sidecarFinishedAt(new Pod())).as("no status yet").isEmpty();
  }
}
