package io.kuberay.harness.emulated.operator.running;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kuberay.harness.emulated.support.BatchJobs;
import io.kuberay.harness.emulated.support.GoAtoi;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The checks of a Running RayJob's reconcile that KubeRay v1.5.0 added ({@code
 * checkTransitionGracePeriodAndUpdateStatusIfNeeded}, {@code
 * checkSubmitterAndUpdateStatusIfNeeded}'s submitter end and SidecarMode head pod, {@code
 * checkSubmitterFinishedTimeoutAndUpdateStatusIfNeeded}) and v1.7.0's job status-check timeout
 * ({@code checkJobStatusCheckTimeoutAndUpdateStatusIfNeeded}), with Go's reasons and messages.
 * Times are read as the operator reads them back from the API server (whole seconds) and printed in
 * its zone, UTC.
 */
public final class RunningChecks {

  /** {@code status.jobStatusCheckFailureStartTime} (v1.7.0's CRD). */
  public static final String FAILURE_START_TIME = "jobStatusCheckFailureStartTime";

  /** {@code DefaultSubmitterFinishedTimeout} (v1.5.0+): a constant, no variable sets it. */
  public static final Duration SUBMITTER_FINISHED_TIMEOUT = Duration.ofSeconds(30);

  /**
   * {@code DEFAULT_RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS} and {@code
   * DEFAULT_RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS}.
   */
  static final long DEFAULT_SECONDS = 300;

  static final String GRACE_PERIOD_EXCEEDED = "JobDeploymentStatusTransitionGracePeriodExceeded";
  static final String STATUS_CHECK_TIMEOUT_EXCEEDED = "JobStatusCheckTimeoutExceeded";

  /** {@code checkSubmitterAndUpdateStatusIfNeeded}: SidecarMode without a head pod. */
  public static final Transition HEAD_POD_NOT_FOUND =
      new Transition(
          "Failed", "AppFailed", Optional.of("Ray head pod not found."), Optional.empty());

  /** The Running reconcile: the dashboard does not know the job and the submitter has finished. */
  public static final Transition SUBMITTER_DONE_JOB_NOT_FOUND =
      new Transition(
          "Failed",
          "AppFailed",
          Optional.of("Submitter completed but Ray job not found in RayCluster."),
          Optional.empty());

  /** Go's {@code time.DateTime}. */
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private RunningChecks() {}

  /**
   * What a check sets in the RayJob's status.
   *
   * @param deploymentStatus {@code jobDeploymentStatus}
   * @param reason {@code reason}
   * @param message the new {@code message}; empty: the status keeps its own (Go leaves it as the
   *     last Running reconcile wrote it, the Ray job's)
   * @param jobStatus a {@code jobStatus} the check sets itself
   */
  public record Transition(
      String deploymentStatus,
      String reason,
      Optional<String> message,
      Optional<String> jobStatus) {}

  /**
   * {@code RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS} as v1.5.0+ reads it: {@code
   * strconv.Atoi}, any whole number (zero and negative too), else 300 s.
   */
  public static Duration gracePeriod(Optional<String> env) {
    return Duration.ofSeconds(env.flatMap(RunningChecks::atoi).orElse(DEFAULT_SECONDS));
  }

  /**
   * {@code getJobStatusCheckTimeoutSeconds} (v1.7.0): {@code RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS}
   * when a positive whole number, else 300 s.
   */
  public static Duration statusCheckTimeout(Optional<String> env) {
    return Duration.ofSeconds(
        env.flatMap(RunningChecks::atoi).filter(s -> s > 0).orElse(DEFAULT_SECONDS));
  }

  private static Optional<Long> atoi(String text) {
    OptionalLong n = GoAtoi.parse(text);
    return n.isPresent() ? Optional.of(n.getAsLong()) : Optional.empty();
  }

  /**
   * {@code checkTransitionGracePeriodAndUpdateStatusIfNeeded} (v1.5.0+): the Ray job is terminal
   * ({@code jobStatus} SUCCEEDED, FAILED or STOPPED) while the RayJob is still Running, {@code
   * grace} past {@code rayJobInfo.endTime} (none: no transition): Complete, or Failed if the Ray
   * job FAILED.
   */
  public static Optional<Transition> transitionGracePeriod(
      Map<String, Object> status, Duration grace, Instant now) {
    Object jobStatus = status.get("jobStatus");
    if (!List.of("SUCCEEDED", "FAILED", "STOPPED").contains(String.valueOf(jobStatus))
        || !"Running".equals(status.get("jobDeploymentStatus"))) {
      return Optional.empty();
    }
    Optional<Instant> end = time(Maps.string(status, "rayJobInfo", "endTime"));
    if (end.isEmpty() || Duration.between(end.get(), now).compareTo(grace) < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Transition(
            "FAILED".equals(jobStatus) ? "Failed" : "Complete",
            GRACE_PERIOD_EXCEEDED,
            Optional.of(
                "JobDeploymentStatus does not transition to Complete or Failed within the grace"
                    + " period after JobStatus reaches a terminal state."),
            Optional.empty()));
  }

  /**
   * {@code checkJobStatusCheckTimeoutAndUpdateStatusIfNeeded} (v1.7.0): the dashboard has failed to
   * answer since {@code jobStatusCheckFailureStartTime}, {@code timeout} ago or more: Failed.
   */
  public static Optional<Transition> jobStatusCheckTimeout(
      Map<String, Object> status, Duration timeout, Instant now) {
    Optional<Instant> since = time(Maps.string(status, FAILURE_START_TIME));
    if (since.isEmpty() || Duration.between(since.get(), now).compareTo(timeout) < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Transition(
            "Failed",
            STATUS_CHECK_TIMEOUT_EXCEEDED,
            Optional.of(
                "Job status checks have been failing since "
                    + goDateTime(since.get())
                    + "; exceeded timeout of "
                    + timeout.toSeconds()
                    + "s"),
            Optional.empty()));
  }

  /**
   * {@code checkSubmitterFinishedTimeoutAndUpdateStatusIfNeeded} (v1.5.0+): the submitter finished
   * 30 s ago or more (the Ray job has not ended, or the RayJob would have): Failed, and the Ray job
   * FAILED.
   */
  public static Optional<Transition> submitterFinishedTimeout(
      Optional<Instant> finishedAt, Instant now) {
    if (finishedAt.isEmpty()
        || Duration.between(finishedAt.get(), now).compareTo(SUBMITTER_FINISHED_TIMEOUT) < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Transition(
            "Failed",
            GRACE_PERIOD_EXCEEDED,
            Optional.of(
                "The RayJob submitter finished at "
                    + goDateTime(finishedAt.get())
                    + " but the ray job did not reach terminal state within "
                    + SUBMITTER_FINISHED_TIMEOUT.toSeconds()
                    + "s"),
            Optional.of("FAILED")));
  }

  /**
   * {@code checkK8sJobStatus} (every release): the submitter Job has failed. If the Ray job FAILED
   * (as the last Running reconcile saw it) the user's code did: AppFailed with the Ray job's
   * message; else the submission did.
   */
  public static Optional<Transition> submitterJobFailed(Job job, Object jobStatus) {
    return BatchJobs.condition(job, "Failed")
        .map(
            c ->
                failed(
                    jobStatus,
                    "Job submission has failed. Reason: "
                        + c.getReason()
                        + ". Message: "
                        + c.getMessage()));
  }

  /**
   * {@code getJobFinishedCondition} (v1.5.0+): when the submitter Job finished, its Complete or
   * Failed condition's lastTransitionTime.
   */
  public static Optional<Instant> jobFinishedAt(Job job) {
    return BatchJobs.condition(job, "Complete")
        .or(() -> BatchJobs.condition(job, "Failed"))
        .flatMap(c -> time(Optional.ofNullable(c.getLastTransitionTime())));
  }

  /**
   * {@code checkSidecarContainerStatus} (v1.5.0+; v1.7.0 with its SidecarSubmitterRestart gate off,
   * the default): the head pod's {@code ray-job-submitter} container terminated with an exit code
   * other than 0 ({@code ray job submit} exits 1 when the job FAILED or it could not submit).
   */
  public static Optional<Transition> sidecarFailed(Pod head, Object jobStatus) {
    return submitterTerminated(head)
        .filter(t -> t.getExitCode() != null && t.getExitCode() != 0)
        .map(
            t ->
                failed(
                    jobStatus,
                    "Ray head pod container "
                        + SubmitterContainer.NAME
                        + " terminated with exit code "
                        + t.getExitCode()
                        + ": "
                        + (t.getReason() == null ? "" : t.getReason())));
  }

  /**
   * {@code getSubmitterContainerFinishedTime} (v1.5.0+): when the head pod's {@code
   * ray-job-submitter} container terminated.
   */
  public static Optional<Instant> sidecarFinishedAt(Pod head) {
    return submitterTerminated(head).flatMap(t -> time(Optional.ofNullable(t.getFinishedAt())));
  }

  private static Optional<ContainerStateTerminated> submitterTerminated(Pod head) {
    if (head.getStatus() == null || head.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return head.getStatus().getContainerStatuses().stream()
        .filter(cs -> SubmitterContainer.NAME.equals(cs.getName()))
        .findFirst()
        .map(ContainerStatus::getState)
        .map(s -> s.getTerminated());
  }

  private static Transition failed(Object jobStatus, String submissionMessage) {
    return "FAILED".equals(jobStatus)
        ? new Transition("Failed", "AppFailed", Optional.empty(), Optional.empty())
        : new Transition(
            "Failed", "SubmissionFailed", Optional.of(submissionMessage), Optional.empty());
  }

  /** Go's {@code t.Format(time.DateTime)} in the operator's zone (UTC). */
  static String goDateTime(Instant instant) {
    return DATE_TIME.format(instant);
  }

  /** A {@code metav1.Time} as written (RFC 3339); none when absent or unreadable. */
  private static Optional<Instant> time(Optional<String> text) {
    try {
      return text.filter(t -> !t.isEmpty()).map(t -> OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
