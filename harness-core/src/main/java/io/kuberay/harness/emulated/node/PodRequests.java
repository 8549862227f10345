package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A pod's CPU and memory requests as the scheduler counts them: the larger of containers and init
 * containers.
 */
record PodRequests(BigDecimal cpu, BigDecimal memory) {

  PodRequests plus(PodRequests o) {
    return new PodRequests(cpu.add(o.cpu), memory.add(o.memory));
  }

  static PodRequests requestsOf(Pod pod) {
    PodRequests main = sum(pod.getSpec().getContainers());
    PodRequests init = new PodRequests(BigDecimal.ZERO, BigDecimal.ZERO);
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        PodRequests r = of(c);
        init = new PodRequests(init.cpu.max(r.cpu), init.memory.max(r.memory));
      }
    }
    return new PodRequests(main.cpu.max(init.cpu), main.memory.max(init.memory));
  }

  private static PodRequests sum(List<Container> containers) {
    PodRequests total = new PodRequests(BigDecimal.ZERO, BigDecimal.ZERO);
    for (Container c : containers) {
      total = total.plus(of(c));
    }
    return total;
  }

  /** Requests, defaulting to limits as the API server does when only limits are set. */
  private static PodRequests of(Container c) {
    if (c.getResources() == null) {
      return new PodRequests(BigDecimal.ZERO, BigDecimal.ZERO);
    }
    return new PodRequests(amount(c, "cpu"), amount(c, "memory"));
  }

  private static BigDecimal amount(Container c, String name) {
    Map<String, Quantity> requests = c.getResources().getRequests();
    Map<String, Quantity> limits = c.getResources().getLimits();
    Quantity q =
        requests != null && requests.get(name) != null
            ? requests.get(name)
            : limits == null ? null : limits.get(name);
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  static String qosClass(Pod pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : pod.getSpec().getContainers()) {
      var r = c.getResources();
      boolean hasRequests = r != null && r.getRequests() != null && !r.getRequests().isEmpty();
      boolean hasLimits = r != null && r.getLimits() != null && !r.getLimits().isEmpty();
      any |= hasRequests || hasLimits;
      if (!hasLimits || r.getLimits().get("cpu") == null || r.getLimits().get("memory") == null) {
        guaranteed = false;
      } else if (hasRequests) {
        for (String k : List.of("cpu", "memory")) {
          Quantity req = r.getRequests().get(k);
          if (req != null
              && Quantity.getAmountInBytes(req)
                      .compareTo(Quantity.getAmountInBytes(r.getLimits().get(k)))
                  != 0) {
            guaranteed = false;
          }
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
