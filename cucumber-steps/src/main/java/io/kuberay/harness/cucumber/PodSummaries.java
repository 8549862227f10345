package io.kuberay.harness.cucumber;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One-line pod descriptions for failure messages: name, phase and conditions with reasons, e.g.
 * {@code too-big-head-x7k2p [Pending, PodScheduled=False (Unschedulable: 0/1 nodes are available: 1
 * Insufficient cpu.)]}. Candidate for harness-core (its {@code PodHandle.describe} is
 * package-private).
 */
final class PodSummaries {

  private PodSummaries() {}

  static String of(List<Pod> pods) {
    return pods.isEmpty()
        ? "no pods"
        : pods.size()
            + " pod(s): "
            + pods.stream().map(PodSummaries::of).collect(Collectors.joining("; "));
  }

  static String of(Pod pod) {
    StringBuilder s =
        new StringBuilder(pod.getMetadata().getName()).append(" [").append(PodState.phase(pod));
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        s.append(", ").append(c.getType()).append('=').append(c.getStatus());
        if (c.getReason() != null) {
          s.append(" (")
              .append(c.getReason())
              .append(c.getMessage() == null ? "" : ": " + c.getMessage())
              .append(')');
        }
      }
    }
    return s.append(']').toString();
  }
}
