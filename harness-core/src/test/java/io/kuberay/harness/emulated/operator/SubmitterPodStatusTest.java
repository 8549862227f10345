package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.kuberay.harness.emulated.support.BatchJobs;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.SubmitterExits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A K8sJobMode submitter's Job and pod as a cluster leaves them once the submitter has ended: the
 * pod as the kubelet ends it ({@code 0/1 Completed}: kubectl printed {@code 1/1 Succeeded} for
 * v1.7.0's ray-job.sample; k3s showed no pod-level {@code status.resources}), then the Job as
 * kube-controller-manager's Job controller completes it, with its events (the emulated operator
 * used to write a bare {@code Complete} itself, with no events). The RayJob turns Complete only
 * once its Job has (RayJobController), so it never shows a submitter still running.
 */
class SubmitterPodStatusTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private SubmitterNode cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Pod startedPod() {
    await("the submitter pod of Job default/rayjob-sample, Running")
        .atMost(WAIT)
        .until(
            () ->
                cluster.pods().size() == 1
                    && "Running".equals(cluster.pods().get(0).getStatus().getPhase()));
    return cluster.pods().get(0);
  }

  private Job finishedJob() {
    await("Job default/rayjob-sample finished")
        .atMost(WAIT)
        .until(() -> BatchJobs.finished(cluster.job()));
    return cluster.job();
  }

  @Test
  @DisplayName(
      "a submitter that exits 0: pod Succeeded, container Completed, not ready, no pod-level"
          + " resources; Job SuccessCriteriaMet and Complete with its counts; SuccessfulCreate and"
          + " Completed events")
  void aSucceededSubmitterIsCompletedAndNotReady() {
    cluster = new SubmitterNode(dir);
    cluster.submitterJob(cluster.rayJob(""));
    Pod pod = startedPod();

    // What the emulated submitter says when `ray job logs --follow` has ended.
    SubmitterExits.exited(ObjectKeys.of(pod), 0);

    JobStatus job = finishedJob().getStatus();
    Pod ended = cluster.pods().get(0);
    assertThat(ended.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(ended.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReady()).isFalse();
              assertThat(c.getStarted()).isFalse();
              assertThat(c.getState().getRunning()).isNull();
              ContainerStateTerminated t = c.getState().getTerminated();
              assertThat(t.getReason()).isEqualTo("Completed");
              assertThat(t.getExitCode()).isZero();
              assertThat(t.getStartedAt()).isNotNull();
              assertThat(t.getFinishedAt()).isNotNull();
            });
    assertThat(ended.getStatus().getConditions())
        .filteredOn(p -> p.getType().equals("Ready") || p.getType().equals("ContainersReady"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsOnly(tuple("False", "PodCompleted"));
    assertThat(ended.getStatus().getConditions())
        .filteredOn(p -> p.getType().equals("PodScheduled") || p.getType().equals("Initialized"))
        .extracting(PodCondition::getType, PodCondition::getStatus, PodCondition::getReason)
        .containsExactlyInAnyOrder(
            tuple("PodScheduled", "True", null), tuple("Initialized", "True", "PodCompleted"));
    // As k3s (Kubernetes 1.36.3) showed KubeRay's completed submitter pod.
    assertThat(ended.getStatus().getResources().getRequests())
        .containsOnlyKeys("memory")
        .containsEntry("memory", new Quantity("200Mi"));
    assertThat(ended.getStatus().getResources().getLimits()).isNullOrEmpty();

    assertThat(job.getConditions())
        .extracting(
            JobCondition::getType,
            JobCondition::getStatus,
            JobCondition::getReason,
            JobCondition::getMessage)
        .containsExactly(
            tuple(
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods"),
            tuple(
                "Complete",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods"));
    assertThat(job.getSucceeded()).isEqualTo(1);
    assertThat(job.getActive()).isNull();
    assertThat(job.getFailed()).isNull();
    assertThat(job.getReady()).isZero();
    assertThat(job.getTerminating()).isZero();
    assertThat(job.getUncountedTerminatedPods()).isNotNull();
    assertThat(job.getStartTime()).isNotNull();
    assertThat(job.getCompletionTime()).isNotNull();
    assertThat(cluster.jobEvents())
        .containsExactlyInAnyOrder(
            "Normal/SuccessfulCreate: Created pod: "
                + pod.getMetadata().getName()
                + " (job-controller)",
            "Normal/Completed: Job completed (job-controller)");
  }

  @Test
  @DisplayName(
      "a submitter that fails (no dashboard) with backoffLimit 0: pod Failed, container Error exit"
          + " 1; Job FailureTarget and Failed BackoffLimitExceeded, as the RayJob reads it")
  void aFailedSubmitterIsAnErrorWithExitCodeOne() {
    cluster = new SubmitterNode(dir);
    RayJobView rayJob = cluster.rayJob("  submitterConfig: {backoffLimit: 0}\n");
    Job job = cluster.submitterJob(rayJob);
    Pod pod = startedPod();

    // As RayJobController does while the RayJob runs: the submitter's command in each started pod.
    await("Job default/rayjob-sample failed")
        .atMost(WAIT)
        .until(
            () -> {
              cluster.submitters.runStartedPods(rayJob, job, "rayjob-sample-abc12", "c");
              return SubmitterJobs.failed(cluster.job());
            });

    Pod ended = cluster.pods().get(0);
    assertThat(ended.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(ended.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(ended.getStatus().getContainerStatuses().get(0).getState().getTerminated())
        .extracting(ContainerStateTerminated::getReason, ContainerStateTerminated::getExitCode)
        .containsExactly("Error", 1);
    assertThat(ended.getStatus().getConditions())
        .filteredOn(p -> p.getType().equals("Ready"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsOnly(tuple("False", "PodFailed"));
    JobCondition failed = SubmitterJobs.failedCondition(cluster.job());
    assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(failed.getMessage()).isEqualTo("Job has reached the specified backoff limit");
    assertThat(cluster.job().getStatus().getConditions())
        .extracting(JobCondition::getType)
        .containsExactly("FailureTarget", "Failed");
    assertThat(cluster.job().getStatus().getFailed()).isEqualTo(1);
    assertThat(cluster.jobEvents())
        .containsExactlyInAnyOrder(
            "Normal/SuccessfulCreate: Created pod: "
                + pod.getMetadata().getName()
                + " (job-controller)",
            "Warning/BackoffLimitExceeded: Job has reached the specified backoff limit"
                + " (job-controller)");
    assertThat(cluster.pods()).as("no pod after the backoffLimit").hasSize(1);
  }
}
