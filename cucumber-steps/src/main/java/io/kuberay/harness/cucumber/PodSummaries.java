package io.kuberay.harness.cucumber;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.PodHandle;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One-line pod descriptions for failure messages: name, then {@link PodHandle#describe}'s phase,
 * conditions with reasons and unready containers, e.g. {@code too-big-head-x7k2p [Pending,
 * PodScheduled=False (Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.)]}.
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
    return pod.getMetadata().getName() + " [" + PodHandle.describe(pod) + "]";
  }
}
