package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The allocatable CPU and memory of the emulated node, in Kubernetes quantity notation ({@code "8"},
 * {@code "32Gi"}). Pods whose requests do not fit stay Pending as Unschedulable, as on a real node.
 */
public record NodeCapacity(String cpu, String memory) {

  private static final long GIB = 1024L * 1024 * 1024;

  public NodeCapacity {
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    parse("cpu", cpu);
    parse("memory", memory);
  }

  /**
   * This machine's memory and at least 8 CPUs: CPU requests only reserve scheduling room (Ray's
   * {@code --num-cpus} is a logical count), and the tutorial's cluster plus the operator needs more than 2.
   */
  static NodeCapacity ofThisMachine() {
    int cpus = Math.max(8, Runtime.getRuntime().availableProcessors());
    long memory = 16 * GIB;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
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
          "Node " + what + " '" + value + "' is not a Kubernetes quantity; write e.g. cpu \"8\" or memory \"32Gi\".",
          e);
    }
  }
}
