package io.kuberay.harness.emulated.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarStatusTest {

  private static final String POD = "head-x_default(uid-1)";

  private static ContainerStatus running(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(true)
        .withStarted(true)
        .withRestartCount(0)
        .withContainerID("emulated://head-x/" + name)
        .withState(
            new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt("2026-12-03T10:00:00Z")
                .endRunning()
                .build())
        .build();
  }

  private static PodStatus readyPod() {
    PodStatus s = new PodStatus();
    s.setContainerStatuses(List.of(running("ray-head"), running("autoscaler")));
    SidecarStatus.conditions(s);
    return s;
  }

  private static PodCondition condition(PodStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static ContainerStatus container(PodStatus s, String name) {
    return s.getContainerStatuses().stream()
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCrashedSidecarWaitsInCrashLoopBackOffAndMakesThePodUnready() {
    PodStatus s = readyPod();
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");

    SidecarStatus.exited(s, "autoscaler", 1, Duration.ofSeconds(10), POD, "2026-12-03T10:01:00Z");

    ContainerStatus autoscaler = container(s, "autoscaler");
    assertThat(autoscaler.getReady()).isFalse();
    assertThat(autoscaler.getStarted()).isFalse();
    assertThat(autoscaler.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(autoscaler.getState().getWaiting().getMessage())
        .isEqualTo("back-off 10s restarting failed container=autoscaler pod=" + POD);
    assertThat(autoscaler.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(autoscaler.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(autoscaler.getLastState().getTerminated().getStartedAt())
        .isEqualTo("2026-12-03T10:00:00Z");
    assertThat(container(s, "ray-head").getReady()).as("the other container").isTrue();
    for (String type : List.of("Ready", "ContainersReady")) {
      assertThat(condition(s, type).getStatus()).isEqualTo("False");
      assertThat(condition(s, type).getReason()).isEqualTo("ContainersNotReady");
      assertThat(condition(s, type).getMessage())
          .isEqualTo("containers with unready status: [autoscaler]");
    }
  }

  @Test
  void aRestartedSidecarCountsTheRestartAndThePodIsReadyAgain() {
    PodStatus s = readyPod();
    SidecarStatus.exited(s, "autoscaler", 1, Duration.ofSeconds(10), POD, "2026-12-03T10:01:00Z");

    SidecarStatus.running(s, "autoscaler", 1, "2026-12-03T10:01:10Z");

    ContainerStatus autoscaler = container(s, "autoscaler");
    assertThat(autoscaler.getRestartCount()).isEqualTo(1);
    assertThat(autoscaler.getReady()).isTrue();
    assertThat(autoscaler.getState().getRunning().getStartedAt()).isEqualTo("2026-12-03T10:01:10Z");
    assertThat(autoscaler.getLastState().getTerminated().getExitCode())
        .as("the last termination stays")
        .isEqualTo(1);
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void aSidecarThatDoesNotRestartStaysTerminated() {
    PodStatus s = readyPod();

    SidecarStatus.exited(s, "autoscaler", 0, null, POD, "2026-12-03T10:01:00Z");

    ContainerStatus autoscaler = container(s, "autoscaler");
    assertThat(autoscaler.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(autoscaler.getState().getWaiting()).isNull();
    assertThat(condition(s, "Ready").getMessage())
        .isEqualTo("containers with unready status: [autoscaler]");
  }

  @Test
  void theConditionsNameEveryUnreadyContainer() {
    PodStatus s = readyPod();
    container(s, "ray-head").setReady(false);
    SidecarStatus.exited(s, "autoscaler", 2, Duration.ofSeconds(20), POD, "2026-12-03T10:01:00Z");

    assertThat(condition(s, "Ready").getMessage())
        .isEqualTo("containers with unready status: [ray-head autoscaler]");
  }
}
