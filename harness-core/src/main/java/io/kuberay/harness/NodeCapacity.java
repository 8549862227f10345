package io.kuberay.harness;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated node as the scheduler sees it: allocatable CPU and memory in Kubernetes quantity
 * notation ({@code "8"}, {@code "32Gi"}), extended resources such as {@code nvidia.com/gpu=4},
 * extra node labels and taints ({@code key=value:NoSchedule}). Pods that do not fit stay Pending as
 * Unschedulable, as on a real node.
 */
public record NodeCapacity(
    String cpu,
    String memory,
    Map<String, String> extendedResources,
    Map<String, String> labels,
    List<String> taints) {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final Pattern TAINT =
      Pattern.compile("([^=:,\\s]+)(?:=([^:,\\s]*))?:(NoSchedule|PreferNoSchedule|NoExecute)");
  private static final Set<String> BUILT_IN = Set.of("cpu", "memory", "pods", "ephemeral-storage");

  public NodeCapacity {
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    parse("cpu", cpu);
    parse("memory", memory);
    extendedResources = Map.copyOf(Objects.requireNonNull(extendedResources, "extendedResources"));
    extendedResources.forEach(
        (name, q) -> {
          if (BUILT_IN.contains(name) || !name.contains("/")) {
            throw new IllegalArgumentException(
                "Node extended resource '"
                    + name
                    + "' must be a domain-qualified name such as nvidia.com/gpu"
                    + " (cpu and memory have their own settings).");
          }
          parse(name, q);
        });
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    taints = List.copyOf(Objects.requireNonNull(taints, "taints"));
    taints.forEach(NodeCapacity::taint);
  }

  public NodeCapacity(String cpu, String memory) {
    this(cpu, memory, Map.of(), Map.of(), List.of());
  }

  /**
   * This node with {@code quantity} of an extended resource, e.g. {@code ("nvidia.com/gpu", "4")}:
   * "a node with 4 GPUs".
   */
  public NodeCapacity withExtendedResource(String name, String quantity) {
    Map<String, String> r = new LinkedHashMap<>(extendedResources);
    r.put(name, quantity);
    return new NodeCapacity(cpu, memory, r, labels, taints);
  }

  public NodeCapacity withLabel(String key, String value) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(key, value);
    return new NodeCapacity(cpu, memory, extendedResources, l, taints);
  }

  /**
   * @param taint {@code key=value:Effect} or {@code key:Effect}, the effect NoSchedule,
   *     PreferNoSchedule or NoExecute
   */
  public NodeCapacity withTaint(String taint) {
    List<String> t = new ArrayList<>(taints);
    t.add(taint);
    return new NodeCapacity(cpu, memory, extendedResources, labels, t);
  }

  /**
   * {@code [key, value, effect]} of a taint written as {@code key=value:Effect}; value empty when
   * not given.
   */
  public static String[] taint(String text) {
    Matcher m = TAINT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "Node taint '"
              + text
              + "' is not of the form key=value:Effect (or key:Effect) with Effect one of"
              + " NoSchedule, PreferNoSchedule, NoExecute; e.g. nvidia.com/gpu=present:NoSchedule.");
    }
    return new String[] {m.group(1), m.group(2) == null ? "" : m.group(2), m.group(3)};
  }

  /**
   * {@code a=1,b=2} as a map; for the {@code kuberay.node.resources} and {@code
   * kuberay.node.labels} settings.
   */
  static Map<String, String> pairs(String setting, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            setting
                + " must be a comma-separated list of name=value pairs, e.g. nvidia.com/gpu=4; got '"
                + part.trim()
                + "'.");
      }
      out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    return out;
  }

  /**
   * {@code k1=v1:NoSchedule,k2:NoExecute} as a list; for the {@code kuberay.node.taints} setting.
   */
  static List<String> taintList(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /**
   * This machine's memory and at least 8 CPUs: CPU requests only reserve scheduling room (Ray's
   * {@code --num-cpus} is a logical count), and the tutorial's cluster plus the operator needs more
   * than 2.
   */
  static NodeCapacity ofThisMachine() {
    int cpus = Math.max(8, Runtime.getRuntime().availableProcessors());
    long memory = 16 * GIB;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      memory = Math.max(memory, os.getTotalMemorySize());
    }
    return new NodeCapacity(Integer.toString(cpus), (memory / GIB) + "Gi");
  }

  /** CPU in millicores. */
  public long cpuMillis() {
    return parse("cpu", cpu).multiply(BigDecimal.valueOf(1000)).longValue();
  }

  /** Memory in bytes. */
  public long memoryBytes() {
    return parse("memory", memory).longValue();
  }

  private static BigDecimal parse(String what, String value) {
    try {
      return Quantity.getAmountInBytes(new Quantity(value));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Node "
              + what
              + " '"
              + value
              + "' is not a Kubernetes quantity; write e.g. cpu \"8\" or memory \"32Gi\".",
          e);
    }
  }
}
