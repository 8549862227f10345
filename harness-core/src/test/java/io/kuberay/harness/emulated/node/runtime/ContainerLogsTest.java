package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A container's log per instance: the emulated runtimes append every instance to one file, and
 * {@code kubectl logs} showed all of them; {@code --previous} was not served.
 */
class ContainerLogsTest {

  private static final ContainerStatus RUNNING =
      new ContainerStatusBuilder()
          .withName("ray-head")
          .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
          .build();
  private static final ContainerStatus BACKING_OFF =
      new ContainerStatusBuilder()
          .withName("ray-head")
          .withState(
              new ContainerStateBuilder()
                  .withNewWaiting()
                  .withReason("CrashLoopBackOff")
                  .endWaiting()
                  .build())
          .withLastState(
              new ContainerStateBuilder()
                  .withNewTerminated()
                  .withExitCode(1)
                  .endTerminated()
                  .build())
          .build();

  @Test
  @DisplayName("the current instance's log, or --previous the last one that exited")
  void instances() {
    ContainerLogs logs = new ContainerLogs();
    String first = "first run\ncrashed\n";
    String second = "second run\ncrashed again\n";
    logs.exited("ns/head", first);
    logs.exited("ns/head", first + second);
    String all = first + second + "third run\n";

    assertThat(logs.select("ns/head", all, Optional.of(RUNNING), false)).isEqualTo("third run\n");
    assertThat(logs.select("ns/head", all, Optional.of(RUNNING), true)).isEqualTo(second);
  }

  @Test
  @DisplayName("while it waits to restart, a container shows the instance that exited")
  void backingOff() {
    ContainerLogs logs = new ContainerLogs();
    logs.exited("ns/head", "first run\n");

    assertThat(logs.select("ns/head", "first run\n", Optional.of(BACKING_OFF), false))
        .isEqualTo("first run\n");
    assertThat(logs.select("ns/head", "first run\n", Optional.of(BACKING_OFF), true))
        .isEqualTo("first run\n");
  }

  @Test
  @DisplayName("a container that never restarted shows its whole log")
  void neverRestarted() {
    assertThat(new ContainerLogs().select("ns/head", "log\n", Optional.of(RUNNING), false))
        .isEqualTo("log\n");
  }

  private static Pod pod(ContainerStatus status) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("head")
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(status)
        .endStatus()
        .build();
  }

  @Test
  @DisplayName("--previous without a terminated instance gets the kubelet's message")
  void previousNotFound() {
    assertThatThrownBy(() -> ContainerLogs.checkReadable(pod(RUNNING), "ray-head", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("previous terminated container \"ray-head\" in pod \"head\" not found");
    ContainerLogs.checkReadable(pod(BACKING_OFF), "ray-head", true);
    ContainerLogs.checkReadable(pod(BACKING_OFF), "ray-head", false);
  }

  @Test
  @DisplayName("a container that has not started has no log: the kubelet says why")
  void waitingToStart() {
    ContainerStatus pulling =
        new ContainerStatusBuilder()
            .withName("ray-head")
            .withState(
                new ContainerStateBuilder()
                    .withNewWaiting()
                    .withReason("ErrImagePull")
                    .endWaiting()
                    .build())
            .build();
    assertThatThrownBy(() -> ContainerLogs.checkReadable(pod(pulling), "ray-head", false))
        .hasMessage(
            "container \"ray-head\" in pod \"head\" is waiting to start: image can't be pulled");
    ContainerStatus creating =
        new ContainerStatusBuilder()
            .withName("ray-head")
            .withState(
                new ContainerStateBuilder()
                    .withNewWaiting()
                    .withReason("ContainerCreating")
                    .endWaiting()
                    .build())
            .build();
    assertThatThrownBy(() -> ContainerLogs.checkReadable(pod(creating), "ray-head", false))
        .hasMessage(
            "container \"ray-head\" in pod \"head\" is waiting to start: ContainerCreating");
  }
}
