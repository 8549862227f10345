package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * Which container of a pod a {@code pods/log} request reads, as kube-apiserver's {@code
 * LogLocation} decides it: the named one, which the pod must have; else the only one. kubectl
 * chooses for a pod of several containers (the {@code kubectl.kubernetes.io/default-container}
 * annotation, else the first) before it asks.
 */
public final class PodContainers {

  private PodContainers() {}

  /**
   * The container {@code requested} names (null or empty: the pod's only container).
   *
   * @throws IllegalArgumentException with kube-apiserver's 400 message when there is no such
   *     container, or none was named and the pod has several
   */
  public static String resolve(Pod pod, String requested) {
    String name = pod.getMetadata().getName();
    List<Container> containers = pod.getSpec().getContainers();
    if (requested == null || requested.isEmpty()) {
      if (containers.size() == 1) {
        return containers.get(0).getName();
      }
      if (containers.isEmpty()) {
        throw new IllegalArgumentException("a container name must be specified for pod " + name);
      }
      String message =
          "a container name must be specified for pod "
              + name
              + ", choose one of: ["
              + String.join(" ", names(containers))
              + "]";
      List<String> init = names(pod.getSpec().getInitContainers());
      if (!init.isEmpty()) {
        message += " or one of the init containers: [" + String.join(" ", init) + "]";
      }
      throw new IllegalArgumentException(message);
    }
    if (!all(pod).contains(requested)) {
      throw new IllegalArgumentException(
          "container " + requested + " is not valid for pod " + name);
    }
    return requested;
  }

  /** Init, regular and ephemeral containers' names. */
  public static List<String> all(Pod pod) {
    List<String> out = new ArrayList<>(names(pod.getSpec().getInitContainers()));
    out.addAll(names(pod.getSpec().getContainers()));
    List<EphemeralContainer> ephemeral = pod.getSpec().getEphemeralContainers();
    if (ephemeral != null) {
      ephemeral.forEach(c -> out.add(c.getName()));
    }
    return out;
  }

  /** The pod's first container, the one a Ray pod's Ray process or a Job pod's command is. */
  public static boolean isFirst(Pod pod, String container) {
    List<Container> containers = pod.getSpec().getContainers();
    return container == null
        || containers.isEmpty()
        || container.equals(containers.get(0).getName());
  }

  private static List<String> names(List<Container> containers) {
    List<String> out = new ArrayList<>();
    if (containers != null) {
      containers.forEach(c -> out.add(c.getName()));
    }
    return out;
  }
}
