package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as the kubelet resolves it: plain values, downward-API field references
 * (resolved as {@link DownwardValues} does for the node's containers).
 */
public final class PodEnvironment {

  /** The emulated node's one address: every pod's {@code hostIP}, as the kubelet reports it. */
  public static final String NODE_IP = "10.42.0.1";

  private PodEnvironment() {}

  /**
   * @param overrides values that win over the pod's own (e.g. the local address of the head's GCS)
   */
  public static Map<String, String> of(
      Pod pod, String containerName, Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", pod.getMetadata().getName());
    Container container = container(pod, containerName);
    if (container != null && container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value = var.getValue();
        if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
          value = DownwardValues.field(pod, var.getValueFrom().getFieldRef().getFieldPath());
        }
        env.put(var.getName(), value == null ? "" : value);
      }
    }
    env.putAll(overrides);
    return env;
  }

  public static Container container(Pod pod, String name) {
    List<Container> containers = pod.getSpec().getContainers();
    if (name == null || name.isBlank()) {
      return containers.isEmpty() ? null : containers.get(0);
    }
    Container found =
        containers.stream().filter(c -> name.equals(c.getName())).findFirst().orElse(null);
    if (found == null && pod.getSpec().getInitContainers() != null) {
      // An init container: the node runs a Ray pod's own (InitContainers) with its env and mounts.
      found =
          pod.getSpec().getInitContainers().stream()
              .filter(c -> name.equals(c.getName()))
              .findFirst()
              .orElse(null);
    }
    return found;
  }
}
