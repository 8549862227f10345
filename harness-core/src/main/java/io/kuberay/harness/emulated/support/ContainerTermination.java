package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;

/** A container's status once it has exited, as the kubelet writes it. */
public final class ContainerTermination {

  private ContainerTermination() {}

  /**
   * Marks {@code cs} terminated with {@code exitCode} and {@code reason} at {@code now}, started
   * when its running state says (else now), and neither ready nor started.
   */
  public static void terminate(ContainerStatus cs, int exitCode, String reason, String now) {
    String startedAt =
        cs.getState() != null && cs.getState().getRunning() != null
            ? cs.getState().getRunning().getStartedAt()
            : now;
    cs.setReady(false);
    cs.setStarted(false);
    cs.setState(
        new ContainerStateBuilder()
            .withNewTerminated()
            .withContainerID(cs.getContainerID())
            .withExitCode(exitCode)
            .withReason(reason)
            .withStartedAt(startedAt)
            .withFinishedAt(now)
            .endTerminated()
            .build());
  }
}
