package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Why an operator pod is not ready, for a timeout message, beyond its own line ({@code
 * PodHandle.describe}: container states and restarts): its last warning events (a failing probe
 * says what it got) and the last lines of its log. Read once, when the wait has already failed;
 * whatever cannot be read is left out.
 */
final class UnreadyPodDiagnosis {

  private static final int EVENTS = 3;
  private static final int LOG_LINES = 10;

  private UnreadyPodDiagnosis() {}

  /** Empty when every container of {@code pod} is ready. */
  static String of(KubernetesClient client, Pod pod) {
    List<ContainerStatus> unready =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses().stream()
                .filter(s -> !Boolean.TRUE.equals(s.getReady()))
                .toList();
    if (unready.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    // Restarts and container states are in the pod's own line (PodHandle.describe).
    try {
      List<String> warnings =
          client.v1().events().inNamespace(namespace).list().getItems().stream()
              .filter(e -> e.getInvolvedObject() != null)
              .filter(e -> name.equals(e.getInvolvedObject().getName()))
              .filter(e -> "Warning".equals(e.getType()))
              .sorted(Comparator.comparing(UnreadyPodDiagnosis::time))
              .map(e -> e.getReason() + ": " + e.getMessage())
              .toList();
      warnings
          .subList(Math.max(0, warnings.size() - EVENTS), warnings.size())
          .forEach(w -> out.append("\n  event ").append(w));
    } catch (RuntimeException e) {
      out.append("\n  (events unreadable: ").append(e.getMessage()).append(')');
    }
    for (ContainerStatus s : unready) {
      try {
        String log =
            client
                .pods()
                .inNamespace(namespace)
                .withName(name)
                .inContainer(s.getName())
                .tailingLines(LOG_LINES)
                .getLog();
        if (log != null && !log.isBlank()) {
          out.append("\n  last log lines of ")
              .append(s.getName())
              .append(":\n")
              .append(log.lines().map(l -> "    " + l).collect(Collectors.joining("\n")));
        }
      } catch (RuntimeException e) {
        out.append("\n  (log of ")
            .append(s.getName())
            .append(" unreadable: ")
            .append(e.getMessage())
            .append(')');
      }
    }
    return out.toString();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    return e.getEventTime() == null ? "" : e.getEventTime().getTime();
  }
}
