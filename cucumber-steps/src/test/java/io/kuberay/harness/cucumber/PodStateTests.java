package io.kuberay.harness.cucumber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PodStateTests {

  private static Pod pod(String phase, String ready) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (ready != null) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus(ready)
          .endCondition()
          .endStatus();
    }
    return b.build();
  }

  @Test
  @DisplayName(
      "'running and ready' needs phase Running and condition Ready=True; 'running' only the phase")
  void runningAndReady() {
    assertThat(PodState.RUNNING_AND_READY.matches(pod("Running", "True"))).isTrue();
    assertThat(PodState.RUNNING_AND_READY.matches(pod("Running", "False"))).isFalse();
    assertThat(PodState.RUNNING_AND_READY.matches(pod("Running", null))).isFalse();
    assertThat(PodState.RUNNING.matches(pod("Running", "False"))).isTrue();
    assertThat(PodState.RUNNING.matches(pod("Pending", null))).isFalse();
  }

  @Test
  @DisplayName("a pod without status counts as Pending")
  void noStatusIsPending() {
    Pod bare = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    assertThat(PodState.PENDING.matches(bare)).isTrue();
    assertThat(PodSummaries.of(bare)).isEqualTo("p [Pending]");
  }

  @Test
  @DisplayName(
      "states parse case-insensitively with any spacing; unknown ones list the accepted words")
  void parsing() {
    assertThat(PodState.of("Running  and ready")).isEqualTo(PodState.RUNNING_AND_READY);
    assertThat(PodState.of("FAILED")).isEqualTo(PodState.FAILED);
    assertThatThrownBy(() -> PodState.of("crashing"))
        .hasMessage(
            "Unknown pod state 'crashing'. Use one of: running and ready, running, pending, succeeded, failed.");
  }

  @Test
  @DisplayName("pod summaries show phase and conditions with reason and message")
  void summaries() {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName("too-big-head-x")
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/1 nodes are available: 1 Insufficient cpu.")
            .endCondition()
            .endStatus()
            .build();
    assertThat(PodSummaries.of(List.of(p)))
        .isEqualTo(
            "1 pod(s): too-big-head-x [Pending, PodScheduled=False (Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.)]");
  }
}
