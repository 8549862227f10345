package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kuberay.harness.NodeCapacity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kube-scheduler's filters for the one emulated node, in the default profile's order:
 * TaintToleration, NodeAffinity (nodeSelector and required node affinity), NodeResourcesFit (CPU,
 * memory and extended resources such as {@code nvidia.com/gpu}). The first filter that fails gives
 * the FailedScheduling message, worded as the real scheduler words it for a one-node cluster.
 */
final class PodPlacement {

  static final String DEFAULT_SCHEDULER = "default-scheduler";
  private static final String NOT_HELPFUL =
      " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
  private static final String NO_VICTIMS =
      " preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
  private static final Set<String> NOT_EXTENDED =
      Set.of("cpu", "memory", "ephemeral-storage", "pods");

  private final NodeCapacity node;
  private final Map<String, String> nodeLabels;

  PodPlacement(NodeCapacity node, Map<String, String> nodeLabels) {
    this.node = node;
    this.nodeLabels = nodeLabels;
  }

  /**
   * Pods that name another scheduler are left alone, as no such scheduler runs: Pending, without a
   * condition or event.
   */
  static boolean forThisScheduler(Pod pod) {
    String name = pod.getSpec().getSchedulerName();
    return name == null || name.isEmpty() || DEFAULT_SCHEDULER.equals(name);
  }

  /**
   * Why the pod cannot be bound, or empty when it fits.
   *
   * @param used CPU and memory requested by the pods already bound
   * @param usedExtended extended resources requested by the pods already bound
   */
  Optional<String> unfit(Pod pod, PodRequests used, Map<String, BigDecimal> usedExtended) {
    for (String text : node.taints()) {
      String[] taint = NodeCapacity.taint(text);
      if (("NoSchedule".equals(taint[2]) || "NoExecute".equals(taint[2]))
          && !tolerated(pod, taint)) {
        return Optional.of(
            "0/1 nodes are available: 1 node(s) had untolerated taint {"
                + taint[0]
                + ": "
                + taint[1]
                + "}."
                + NOT_HELPFUL);
      }
    }
    if (!matchesSelectorAndAffinity(pod)) {
      return Optional.of(
          "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
              + NOT_HELPFUL);
    }
    PodRequests need = PodRequests.requestsOf(pod);
    List<String> insufficient = new ArrayList<>();
    BigDecimal freeCpu = BigDecimal.valueOf(node.cpuMillis()).movePointLeft(3).subtract(used.cpu());
    BigDecimal freeMemory = BigDecimal.valueOf(node.memoryBytes()).subtract(used.memory());
    if (need.cpu().compareTo(freeCpu) > 0) {
      insufficient.add("1 Insufficient cpu");
    }
    if (need.memory().compareTo(freeMemory) > 0) {
      insufficient.add("1 Insufficient memory");
    }
    extendedRequests(pod)
        .forEach(
            (name, amount) -> {
              BigDecimal capacity =
                  Optional.ofNullable(node.extendedResources().get(name))
                      .map(q -> Quantity.getAmountInBytes(new Quantity(q)))
                      .orElse(BigDecimal.ZERO);
              BigDecimal free = capacity.subtract(usedExtended.getOrDefault(name, BigDecimal.ZERO));
              if (amount.compareTo(free) > 0) {
                insufficient.add("1 Insufficient " + name);
              }
            });
    if (!insufficient.isEmpty()) {
      return Optional.of(
          "0/1 nodes are available: " + String.join(", ", insufficient) + "." + NO_VICTIMS);
    }
    return Optional.empty();
  }

  /**
   * Extended resources a pod requests (limits stand for requests, which must equal them): the sum
   * over containers, or the largest init container's when larger.
   */
  static Map<String, BigDecimal> extendedRequests(Pod pod) {
    Map<String, BigDecimal> main = new LinkedHashMap<>();
    for (Container c : pod.getSpec().getContainers()) {
      extended(c).forEach((k, v) -> main.merge(k, v, BigDecimal::add));
    }
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        extended(c).forEach((k, v) -> main.merge(k, v, BigDecimal::max));
      }
    }
    return main;
  }

  private static Map<String, BigDecimal> extended(Container c) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    if (c.getResources() == null) {
      return out;
    }
    for (Map<String, Quantity> source :
        new ArrayList<>(
            Arrays.asList(c.getResources().getLimits(), c.getResources().getRequests()))) {
      if (source == null) {
        continue;
      }
      source.forEach(
          (name, q) -> {
            if (!NOT_EXTENDED.contains(name) && !name.startsWith("hugepages-")) {
              out.put(name, Quantity.getAmountInBytes(q));
            }
          });
    }
    return out;
  }

  static BigDecimal sum(Collection<Map<String, BigDecimal>> all, String name) {
    return all.stream()
        .map(m -> m.getOrDefault(name, BigDecimal.ZERO))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static boolean tolerated(Pod pod, String[] taint) {
    List<Toleration> tolerations = pod.getSpec().getTolerations();
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      boolean effect =
          t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals(taint[2]);
      boolean exists = "Exists".equals(t.getOperator());
      boolean key =
          (t.getKey() == null || t.getKey().isEmpty()) ? exists : t.getKey().equals(taint[0]);
      boolean value = exists || (t.getValue() == null ? "" : t.getValue()).equals(taint[1]);
      if (effect && key && value) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesSelectorAndAffinity(Pod pod) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null) {
      for (Map.Entry<String, String> e : selector.entrySet()) {
        if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
          return false;
        }
      }
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return true;
    }
    List<NodeSelectorTerm> terms =
        affinity
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return false;
    }
    // Terms are ORed; the requirements of one term are ANDed; an empty term matches nothing.
    return terms.stream().anyMatch(this::matches);
  }

  private boolean matches(NodeSelectorTerm term) {
    List<NodeSelectorRequirement> exprs =
        term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields =
        term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (exprs.isEmpty() && fields.isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement r : exprs) {
      if (!matches(r, nodeLabels.get(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : fields) {
      if (!matches(r, "metadata.name".equals(r.getKey()) ? NodeEmulator.NODE_NAME : null)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(NodeSelectorRequirement r, String actual) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> actual != null && values.contains(actual);
      case "NotIn" -> actual == null || !values.contains(actual);
      case "Exists" -> actual != null;
      case "DoesNotExist" -> actual == null;
      case "Gt", "Lt" -> {
        try {
          long a = Long.parseLong(actual);
          long v = Long.parseLong(values.get(0));
          yield "Gt".equals(r.getOperator()) ? a > v : a < v;
        } catch (RuntimeException e) {
          yield false;
        }
      }
      default -> false;
    };
  }
}
