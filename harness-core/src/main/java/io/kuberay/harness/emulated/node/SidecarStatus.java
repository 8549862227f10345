package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kuberay.harness.emulated.support.ContainerTermination;
import java.time.Duration;
import java.util.List;

/**
 * The status of a container that runs, exits and restarts on its own beside the pod's first one
 * (the head's {@code autoscaler}), as the kubelet writes it: its own state, restart count and
 * readiness (no readiness probe: ready while it runs), and the pod's {@code Ready} and {@code
 * ContainersReady} conditions from every container, naming the unready ones.
 */
final class SidecarStatus {

  private SidecarStatus() {}

  /**
   * The container exited with {@code exitCode}; it waits in CrashLoopBackOff when it restarts after
   * {@code backOff} (null: it does not restart, restartPolicy Never).
   *
   * @param podRef the pod as the kubelet names it in messages, {@code name_namespace(uid)}
   */
  static void exited(
      PodStatus s, String container, int exitCode, Duration backOff, String podRef, String now) {
    ContainerStatus cs = find(s, container);
    if (cs == null) {
      return;
    }
    String reason = exitCode == 0 ? "Completed" : "Error";
    ContainerTermination.terminate(cs, exitCode, reason, now);
    if (backOff != null) {
      cs.setLastState(cs.getState());
      cs.setState(
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason("CrashLoopBackOff")
              .withMessage(
                  "back-off "
                      + backOff.toSeconds()
                      + "s restarting failed container="
                      + container
                      + " pod="
                      + podRef)
              .endWaiting()
              .build());
    }
    conditions(s);
  }

  /** The container runs again, after {@code restartCount} restarts. */
  static void running(PodStatus s, String container, int restartCount, String now) {
    ContainerStatus cs = find(s, container);
    if (cs == null) {
      return;
    }
    cs.setRestartCount(restartCount);
    cs.setStarted(true);
    cs.setReady(true);
    cs.setState(
        new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build());
    conditions(s);
  }

  /** {@code Ready} and {@code ContainersReady} as the kubelet derives them from the containers. */
  static void conditions(PodStatus s) {
    List<String> unready =
        s.getContainerStatuses().stream()
            .filter(cs -> !Boolean.TRUE.equals(cs.getReady()))
            .map(ContainerStatus::getName)
            .toList();
    if (unready.isEmpty()) {
      NodeEmulator.setCondition(s, "Ready", "True", null, null);
      NodeEmulator.setCondition(s, "ContainersReady", "True", null, null);
    } else {
      String message = "containers with unready status: [" + String.join(" ", unready) + "]";
      NodeEmulator.setCondition(s, "Ready", "False", "ContainersNotReady", message);
      NodeEmulator.setCondition(s, "ContainersReady", "False", "ContainersNotReady", message);
    }
  }

  private static ContainerStatus find(PodStatus s, String container) {
    return s.getContainerStatuses() == null
        ? null
        : s.getContainerStatuses().stream()
            .filter(cs -> container.equals(cs.getName()))
            .findFirst()
            .orElse(null);
  }
}
