package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A container's log per instance, as the kubelet keeps one log per container instance: {@code
 * kubectl logs} reads the current one, {@code --previous} the last terminated one. The emulated
 * runtimes append every instance of a pod's main container to one file, so the end of each instance
 * (its length when it exited) is noted here and the file is cut there.
 */
final class ContainerLogs {

  private final Map<String, List<Integer>> exits = new ConcurrentHashMap<>();

  /** The main container's instance ended and will be restarted; {@code log} is all it wrote. */
  void exited(String pod, String log) {
    exits.computeIfAbsent(pod, k -> new ArrayList<>()).add(log.length());
  }

  void forget(String pod) {
    exits.remove(pod);
  }

  /** The node's log file of a pod's first container: {@code <namespace>_<pod>.log}. */
  static Path file(Path logDir, Pod pod) {
    return logDir.resolve(
        pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + ".log");
  }

  /**
   * The node's log file of another container of the pod: {@code <namespace>_<pod>_<container>.log}.
   */
  static Path file(Path logDir, Pod pod, String container) {
    return logDir.resolve(
        pod.getMetadata().getNamespace()
            + "_"
            + pod.getMetadata().getName()
            + "_"
            + container
            + ".log");
  }

  /**
   * The part of {@code log} the request reads: the current instance's, or the last terminated one's
   * (also what a container waiting to restart shows, as the kubelet reads its last state then).
   */
  String select(String pod, String log, Optional<ContainerStatus> status, boolean previous) {
    List<Integer> ends = List.copyOf(exits.getOrDefault(pod, List.of()));
    if (ends.isEmpty()) {
      return previous ? "" : log;
    }
    boolean waitingToRestart =
        status.map(ContainerStatus::getState).map(ContainerState::getWaiting).isPresent();
    if (!previous && !waitingToRestart) {
      return log.substring(Math.min(log.length(), ends.get(ends.size() - 1)));
    }
    int from = ends.size() >= 2 ? ends.get(ends.size() - 2) : 0;
    int to = ends.get(ends.size() - 1);
    return log.substring(Math.min(log.length(), from), Math.min(log.length(), to));
  }

  static Optional<ContainerStatus> status(Pod pod, String container) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    return Stream.of(
            pod.getStatus().getContainerStatuses(),
            pod.getStatus().getInitContainerStatuses(),
            pod.getStatus().getEphemeralContainerStatuses())
        .filter(l -> l != null)
        .flatMap(List::stream)
        .filter(s -> container.equals(s.getName()))
        .findFirst();
  }

  /**
   * Whether the kubelet has a log to serve for the container ({@code validateContainerLogStatus}):
   * one that never started, or a {@code --previous} without a terminated instance, is a 400 with
   * the kubelet's message.
   *
   * @throws IllegalArgumentException with that message
   */
  static void checkReadable(Pod pod, String container, boolean previous) {
    String podName = pod.getMetadata().getName();
    ContainerStatus status =
        status(pod, container)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "container \""
                            + container
                            + "\" in pod \""
                            + podName
                            + "\" is not available"));
    ContainerState state = status.getState() == null ? new ContainerState() : status.getState();
    ContainerState last =
        status.getLastState() == null ? new ContainerState() : status.getLastState();
    String prefix = "container \"" + container + "\" in pod \"" + podName + "\" ";
    if (previous) {
      if (last.getTerminated() == null) {
        throw new IllegalArgumentException(
            "previous terminated container \""
                + container
                + "\" in pod \""
                + podName
                + "\" not found");
      }
      return;
    }
    if (state.getRunning() != null
        || state.getTerminated() != null
        || last.getTerminated() != null) {
      return;
    }
    if (state.getWaiting() != null) {
      String reason = String.valueOf(state.getWaiting().getReason());
      throw new IllegalArgumentException(
          prefix
              + "is waiting to start: "
              + switch (reason) {
                case "ErrImagePull" -> "image can't be pulled";
                case "ImagePullBackOff" -> "trying and failing to pull image";
                default -> reason;
              });
    }
    throw new IllegalArgumentException(prefix + "is waiting to start - no logs yet");
  }
}
