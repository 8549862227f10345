package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import java.util.List;

/**
 * The containers of a Ray pod that the emulated node does not run: every one besides the Ray
 * container (the first), the autoscaler sidecar and a SidecarMode RayJob's {@code
 * ray-job-submitter} (whose submission the emulated operator makes itself). A kube-rbac-proxy in
 * front of the dashboard (ray-cluster.auth.yaml) or a Fluent Bit log shipper
 * (ray-cluster.fluentbit.yaml) would otherwise read as Running while nothing it does happens: the
 * pod gets a Warning event naming each, and a port only such a container serves says so.
 */
final class UnrunContainers {

  static final String REASON = "ContainerNotRun";

  private UnrunContainers() {}

  static List<Container> of(Pod pod) {
    List<Container> containers = pod.getSpec().getContainers();
    return containers.stream()
        .skip(1)
        .filter(c -> !AutoscalerContainer.NAME.equals(c.getName()))
        .filter(c -> !SubmitterContainer.NAME.equals(c.getName()))
        .toList();
  }

  /** The Warning event's message for {@code c}. */
  static String message(Container c) {
    return "container "
        + c.getName()
        + " (image "
        + c.getImage()
        + ") is not run: the emulated node runs a Ray pod's Ray container, its autoscaler and its"
        + " init containers, not other images. Its status reads Running, but nothing it would do"
        + " happens (a port it listens on answers nothing, files it would write or ship stay"
        + " as they are). Use the k3s backend for what this container does";
  }

  /** Why nothing answers {@code port} of {@code pod}: its Ray ports, and the containers not run. */
  static String nothingListens(Pod pod, int port, String rayPorts) {
    List<String> names = of(pod).stream().map(Container::getName).toList();
    return PodRuntime.nothingListens(
        pod,
        port,
        "its Ray container listens on "
            + rayPorts
            + (names.isEmpty()
                ? ""
                : ", and the emulated node does not run its other container"
                    + (names.size() > 1 ? "s " : " ")
                    + String.join(", ", names)
                    + ", which may be what listens there (use the k3s backend for it)"));
  }
}
