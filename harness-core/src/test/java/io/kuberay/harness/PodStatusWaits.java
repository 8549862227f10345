package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.function.Predicate;

/** Bounded waits on a RayCluster's head pod and its Ray container's status, for the ITs. */
final class PodStatusWaits {

  private PodStatusWaits() {}

  /** The name of the cluster's head pod, once the operator has made it. */
  static String headPodName(RayClusterHandle cluster) {
    return Waits.until(
        "RayCluster " + cluster,
        "a head pod",
        Duration.ofMinutes(1),
        () -> cluster.headPod().name(),
        n -> n != null,
        String::valueOf,
        null);
  }

  /** The pod once its first container's status satisfies {@code expected}; fails if it goes. */
  static Pod firstContainer(
      KubeRayEnvironment env,
      String pod,
      String expectation,
      Duration timeout,
      Predicate<ContainerStatus> expected) {
    return Waits.until(
        "pod default/" + pod,
        expectation,
        timeout,
        () -> env.client().pods().inNamespace("default").withName(pod).get(),
        p ->
            p != null
                && !p.getStatus().getContainerStatuses().isEmpty()
                && expected.test(p.getStatus().getContainerStatuses().get(0)),
        p -> p == null ? "gone" : String.valueOf(p.getStatus().getContainerStatuses()),
        p -> p == null);
  }
}
