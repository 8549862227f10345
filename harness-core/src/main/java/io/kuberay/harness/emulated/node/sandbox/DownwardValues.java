package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
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

  /** {@code fieldpath.SplitMaybeSubscriptedPath}: {@code <path>['<key>']}. */
  private static final Pattern SUBSCRIPTED = Pattern.compile("(.+?)\\['(.*)'\\]", Pattern.DOTALL);

  private final Pod pod;
  private final NodeCapacity node;

  DownwardValues(Pod pod, NodeCapacity node) {
    this.pod = pod;
    this.node = node;
  }

  /** A fieldRef's value, env or volume alike. */
  String field(String path) {
    return field(pod, path);
  }

  /**
   * A fieldRef's value as the kubelet resolves it ({@code podFieldSelectorRuntimeValue}, then
   * {@code fieldpath.ExtractFieldPathAsString}): the IPs from the pod's status (the host's is the
   * node's, {@link PodEnvironment#NODE_IP}, whatever the status says yet), a label or annotation
   * missing as "". The API server refused at the pod's creation every path the downward API does
   * not offer where it is used (env or volume).
   *
   * @throws IllegalArgumentException for any other path, with the kubelet's wording
   */
  static String field(Pod pod, String path) {
    Matcher m = SUBSCRIPTED.matcher(path);
    if (m.matches()) {
      Map<String, String> source =
          switch (m.group(1)) {
            case "metadata.labels" -> pod.getMetadata().getLabels();
            case "metadata.annotations" -> pod.getMetadata().getAnnotations();
            default -> throw new IllegalArgumentException("unsupported fieldPath: " + path);
          };
      return source == null ? "" : source.getOrDefault(m.group(2), "");
    }
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> nullToEmpty(pod.getMetadata().getUid());
      case "metadata.labels" -> mapFile(pod.getMetadata().getLabels());
      case "metadata.annotations" -> mapFile(pod.getMetadata().getAnnotations());
      case "spec.nodeName", "spec.host" -> nullToEmpty(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
      case "status.hostIP", "status.hostIPs" -> PodEnvironment.NODE_IP;
      case "status.podIP" -> nullToEmpty(status.getPodIP());
      case "status.podIPs" ->
          status.getPodIPs() == null || status.getPodIPs().isEmpty()
              ? nullToEmpty(status.getPodIP())
              : String.join(",", status.getPodIPs().stream().map(PodIP::getIp).toList());
      default -> throw new IllegalArgumentException("unsupported fieldPath: " + path);
    };
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
