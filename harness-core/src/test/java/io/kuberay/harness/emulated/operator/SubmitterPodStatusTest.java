package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kuberay.harness.emulated.support.Json;
import org.junit.jupiter.api.Test;

/**
 * A finished K8sJobMode submitter pod reads as the kubelet leaves it: kubectl printed {@code 1/1
 * Succeeded} for v1.7.0's ray-job.sample, where a cluster prints {@code 0/1 Completed}.
 */
class SubmitterPodStatusTest {

  private static PodStatus running() {
    return Json.SERDE.unmarshal(
        "--- {phase: Running, conditions: [{type: PodReadyToStartContainers, status: 'True'},"
            + " {type: Initialized, status: 'True'}, {type: Ready, status: 'True'},"
            + " {type: ContainersReady, status: 'True'}, {type: PodScheduled, status: 'True'}],"
            + " containerStatuses: [{name: ray-job-submitter, containerID: 'emulated://p/c',"
            + " ready: true, started: true, restartCount: 0,"
            + " state: {running: {startedAt: '2026-12-03T11:52:48Z'}}}]}",
        PodStatus.class);
  }

  @Test
  void aSucceededSubmitterIsCompletedAndNotReady() {
    PodStatus s = running();
    SubmitterJobs.terminated(s, true, "2026-12-03T11:55:15Z");

    assertThat(s.getPhase()).isEqualTo("Succeeded");
    ContainerStatus c = s.getContainerStatuses().get(0);
    assertThat(c.getReady()).isFalse();
    assertThat(c.getStarted()).isFalse();
    assertThat(c.getState().getRunning()).isNull();
    assertThat(c.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(c.getState().getTerminated().getExitCode()).isZero();
    assertThat(c.getState().getTerminated().getStartedAt()).isEqualTo("2026-12-03T11:52:48Z");
    assertThat(c.getState().getTerminated().getFinishedAt()).isEqualTo("2026-12-03T11:55:15Z");
    assertThat(s.getConditions())
        .filteredOn(p -> p.getType().equals("Ready") || p.getType().equals("ContainersReady"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsOnly(tuple("False", "PodCompleted"));
    assertThat(s.getConditions())
        .filteredOn(p -> p.getType().equals("PodScheduled") || p.getType().equals("Initialized"))
        .extracting(PodCondition::getStatus)
        .containsOnly("True");
  }

  @Test
  void aFailedSubmitterIsAnErrorWithExitCodeOne() {
    PodStatus s = running();
    SubmitterJobs.terminated(s, false, "2026-12-03T11:55:15Z");

    assertThat(s.getPhase()).isEqualTo("Failed");
    assertThat(s.getContainerStatuses().get(0).getState().getTerminated())
        .extracting(t -> t.getReason(), t -> t.getExitCode())
        .containsExactly("Error", 1);
  }
}
