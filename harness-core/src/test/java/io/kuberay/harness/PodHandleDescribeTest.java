package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PodHandleDescribeTest {

  @Test
  @DisplayName(
      "a pod stuck on its image says so: each unready container with its waiting reason and message, completed init containers left out")
  void imagePullBackOff() {
    Pod pod =
        new PodBuilder()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("Ready")
            .withStatus("False")
            .withReason("ContainersNotReady")
            .endCondition()
            .withInitContainerStatuses(
                waiting("wait-gcs-ready", "PodInitializing", null),
                new ContainerStatusBuilder()
                    .withName("done-init")
                    .withReady(false)
                    .withNewState()
                    .withNewTerminated()
                    .withReason("Completed")
                    .withExitCode(0)
                    .endTerminated()
                    .endState()
                    .build())
            .withContainerStatuses(
                waiting(
                    "ray-head",
                    "ImagePullBackOff",
                    "Back-off pulling image \"rayproject/ray:2.52.0\""))
            .endStatus()
            .build();
    assertThat(PodHandle.describe(pod))
        .isEqualTo(
            "Pending, Ready=False (ContainersNotReady); containers: wait-gcs-ready waiting PodInitializing,"
                + " ray-head waiting ImagePullBackOff: Back-off pulling image \"rayproject/ray:2.52.0\"");
  }

  @Test
  @DisplayName("ready containers are left out; a crashing one shows its last exit and restarts")
  void crashLoop() {
    Pod pod =
        new PodBuilder()
            .withNewStatus()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("ray-head")
                    .withReady(true)
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build(),
                new ContainerStatusBuilder()
                    .withName("autoscaler")
                    .withReady(false)
                    .withRestartCount(3)
                    .withNewState()
                    .withNewTerminated()
                    .withReason("Error")
                    .withExitCode(1)
                    .endTerminated()
                    .endState()
                    .build(),
                new ContainerStatusBuilder()
                    .withName("sidecar")
                    .withReady(false)
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build();
    assertThat(PodHandle.describe(pod))
        .isEqualTo(
            "Running; containers: autoscaler terminated Error (exit 1), 3 restarts, sidecar running, not ready");
  }

  @Test
  @DisplayName("a pod without status is Pending, as the API server defaults it")
  void noStatus() {
    assertThat(PodHandle.describe(new Pod())).isEqualTo("Pending");
  }

  private static ContainerStatus waiting(String name, String reason, String message) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(false)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .build();
  }
}
