package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.kuberay.harness.NodeCapacity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values the downward API gives a pod, for env {@code valueFrom} and {@code downwardAPI}
 * volumes alike: field references, and resource fields as the kubelet computes them (a limit that
 * is not set is the node's allocatable; values are rounded up to whole divisors).
 */
final class DownwardValues {

  private static final Pattern MAP_REF =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  private final Pod pod;
  private final NodeCapacity node;

  DownwardValues(Pod pod, NodeCapacity node) {
    this.pod = pod;
    this.node = node;
  }

  /**
   * A fieldRef's value.
   *
   * @throws IllegalArgumentException for a field the downward API does not offer, with the API
   *     server's wording
   */
  String field(String path, boolean volume) {
    switch (path) {
      case "metadata.name":
        return pod.getMetadata().getName();
      case "metadata.namespace":
        return pod.getMetadata().getNamespace();
      case "metadata.uid":
        return nullToEmpty(pod.getMetadata().getUid());
      case "metadata.labels":
        return mapFile(pod.getMetadata().getLabels());
      case "metadata.annotations":
        return mapFile(pod.getMetadata().getAnnotations());
      default:
        break;
    }
    if (!volume) {
      switch (path) {
        case "spec.nodeName":
          return nullToEmpty(pod.getSpec().getNodeName());
        case "spec.serviceAccountName":
          return nullToEmpty(pod.getSpec().getServiceAccountName());
        case "status.podIP":
        case "status.podIPs":
          return pod.getStatus() == null ? "" : nullToEmpty(pod.getStatus().getPodIP());
        case "status.hostIP":
        case "status.hostIPs":
          return pod.getStatus() == null ? "" : nullToEmpty(pod.getStatus().getHostIP());
        default:
          break;
      }
    }
    Matcher m = MAP_REF.matcher(path);
    if (m.matches()) {
      Map<String, String> source =
          "labels".equals(m.group(1))
              ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
      return source == null ? "" : source.getOrDefault(m.group(2), "");
    }
    throw new IllegalArgumentException("unsupported fieldPath: " + path);
  }

  /** A resourceFieldRef's value for {@code containerName}'s container. */
  String resource(String containerName, ResourceFieldSelector selector) {
    String name =
        selector.getContainerName() != null && !selector.getContainerName().isBlank()
            ? selector.getContainerName()
            : containerName;
    Container c = PodEnvironment.container(pod, name);
    if (c == null) {
      throw new IllegalArgumentException(
          "container " + name + " not found in pod " + pod.getMetadata().getName());
    }
    String resource = selector.getResource();
    boolean limit = resource.startsWith("limits.");
    String kind = resource.substring(resource.indexOf('.') + 1);
    Map<String, Quantity> values =
        c.getResources() == null
            ? null
            : limit ? c.getResources().getLimits() : c.getResources().getRequests();
    Quantity q = values == null ? null : values.get(kind);
    BigDecimal amount;
    if (q != null) {
      amount = Quantity.getAmountInBytes(q);
    } else if (limit && "cpu".equals(kind)) {
      amount = BigDecimal.valueOf(node.cpuMillis()).movePointLeft(3);
    } else if (limit && "memory".equals(kind)) {
      amount = BigDecimal.valueOf(node.memoryBytes());
    } else {
      amount = BigDecimal.ZERO;
    }
    BigDecimal divisor =
        selector.getDivisor() == null
            ? BigDecimal.ONE
            : Quantity.getAmountInBytes(selector.getDivisor());
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    BigDecimal result = amount.divide(divisor, 0, RoundingMode.CEILING);
    // The kubelet gives a container with a CPU request below one core "1", never "0".
    if ("cpu".equals(kind) && result.signum() == 0 && amount.signum() > 0) {
      result = BigDecimal.ONE;
    }
    return result.toPlainString();
  }

  /**
   * Labels or annotations as a downwardAPI file: {@code key="value"} lines, sorted, values quoted
   * as Go does.
   */
  private static String mapFile(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    new TreeMap<>(map)
        .forEach(
            (k, v) -> {
              if (out.length() > 0) {
                out.append('\n');
              }
              out.append(k).append('=').append(quote(v));
            });
    return out.toString();
  }

  private static String quote(String value) {
    StringBuilder q = new StringBuilder("\"");
    for (char ch : (value == null ? "" : value).toCharArray()) {
      switch (ch) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        default -> q.append(ch);
      }
    }
    return q.append('"').toString();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
