package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet resolves it: plain values, downward-API field
 * references.
 */
public final class PodEnvironment {

  private static final Pattern LABEL_REF =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

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
          value = field(pod, var.getValueFrom().getFieldRef().getFieldPath());
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

  private static String field(Pod pod, String path) {
    switch (path) {
      case "metadata.name":
        return pod.getMetadata().getName();
      case "metadata.namespace":
        return pod.getMetadata().getNamespace();
      case "metadata.uid":
        return pod.getMetadata().getUid();
      case "spec.nodeName":
        return pod.getSpec().getNodeName();
      case "spec.serviceAccountName":
        return pod.getSpec().getServiceAccountName();
      case "status.podIP":
      case "status.hostIP":
        return pod.getStatus() == null ? "" : pod.getStatus().getPodIP();
      default:
        Matcher m = LABEL_REF.matcher(path);
        if (m.matches()) {
          Map<String, String> source =
              "labels".equals(m.group(1))
                  ? pod.getMetadata().getLabels()
                  : pod.getMetadata().getAnnotations();
          return source == null ? "" : source.getOrDefault(m.group(2), "");
        }
        return "";
    }
  }
}
