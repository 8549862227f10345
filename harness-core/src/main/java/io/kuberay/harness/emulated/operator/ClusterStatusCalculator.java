package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.Quantities;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Computes a RayCluster's status from its pods and head service ({@code calculateStatus}). */
final class ClusterStatusCalculator {

  private final OperatorFlavor flavor;

  ClusterStatusCalculator(OperatorFlavor flavor) {
    this.flavor = flavor;
  }

  Map<String, Object> calculate(
      RayClusterView cluster,
      Map<String, Object> previous,
      Optional<Pod> head,
      List<Pod> workers,
      Optional<Service> service) {
    return calculate(cluster, previous, head, workers, service, false);
  }

  /**
   * @param reconcileFailed a step of the reconcile failed ({@code calculateStatus}'s {@code
   *     reconcileErr}): the state does not become ready
   */
  Map<String, Object> calculate(
      RayClusterView cluster,
      Map<String, Object> previous,
      Optional<Pod> head,
      List<Pod> workers,
      Optional<Service> service,
      boolean reconcileFailed) {
    Map<String, Object> status = new LinkedHashMap<>(previous);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<RayClusterView.WorkerGroup> groups = cluster.workerGroups();
    int desired = groups.stream().mapToInt(RayClusterView.WorkerGroup::desiredPods).sum();
    putCount(status, "desiredWorkerReplicas", desired);
    // CalculateMinReplicas/CalculateMaxReplicas (v1.5.0+) leave suspended groups out.
    putCount(
        status,
        "minWorkerReplicas",
        groups.stream()
            .filter(g -> !g.suspended())
            .mapToInt(g -> g.minReplicas() * g.numOfHosts())
            .sum());
    putCount(
        status,
        "maxWorkerReplicas",
        groups.stream()
            .filter(g -> !g.suspended())
            .mapToLong(g -> (long) g.maxReplicas() * g.numOfHosts())
            .reduce(0, (a, b) -> Math.min(Integer.MAX_VALUE, a + b)));
    putCount(
        status,
        "availableWorkerReplicas",
        workers.stream().filter(ClusterStatusCalculator::running).count());
    if (flavor.hasExtendedStatus()) {
      putCount(
          status,
          "readyWorkerReplicas",
          workers.stream().filter(ClusterStatusCalculator::runningAndReady).count());
    }
    desiredResources(cluster, groups, status);
    status.put("observedGeneration", cluster.generation());
    status.put("lastUpdateTime", now);

    Map<String, Object> headStatus = new LinkedHashMap<>(Maps.map(status.get("head")));
    head.map(p -> p.getStatus() == null ? null : p.getStatus().getPodIP())
        .ifPresent(ip -> headStatus.put("podIP", ip));
    service.ifPresent(
        s -> {
          String ip = s.getSpec().getClusterIP();
          if ("None".equals(ip)) {
            ip = (String) headStatus.get("podIP");
          }
          if (ip != null) {
            headStatus.put("serviceIP", ip);
          }
          status.put("endpoints", endpoints(s));
        });
    if (flavor.hasExtendedStatus()) {
      head.ifPresent(p -> headStatus.put("podName", p.getMetadata().getName()));
      service.ifPresent(s -> headStatus.put("serviceName", s.getMetadata().getName()));
    }
    if (!headStatus.isEmpty()) {
      status.put("head", headStatus);
    }

    boolean allReady =
        head.isPresent()
            && runningAndReady(head.get())
            && workers.stream().allMatch(ClusterStatusCalculator::runningAndReady)
            && (!flavor.hasExtendedStatus() || workers.size() == desired);
    if (cluster.suspended()) {
      setState(status, "suspended", now);
    } else if (allReady && !reconcileFailed) {
      setState(status, "ready", now);
    }
    if (flavor.hasConditions()) {
      status.put(
          "conditions",
          conditions(
              Maps.list(previous.get("conditions")), head, allReady, cluster.suspended(), now));
    }
    return status;
  }

  /**
   * KubeRay's worker counts are {@code int32} fields with {@code omitempty} (v1.1.0 to v1.7.0): a
   * zero is not written, and the status is written whole, so an earlier count goes too.
   */
  private static void putCount(Map<String, Object> status, String key, long count) {
    if (count == 0) {
      status.remove(key);
    } else {
      status.put(key, (int) count);
    }
  }

  private void setState(Map<String, Object> status, String state, String now) {
    if (!state.equals(status.get("state"))) {
      status.put("state", state);
      if (flavor.hasExtendedStatus()) {
        Map<String, Object> times =
            new LinkedHashMap<>(Maps.map(status.get("stateTransitionTimes")));
        times.put(state, now);
        status.put("stateTransitionTimes", times);
      }
    }
  }

  private static List<Object> conditions(
      List<Object> previous, Optional<Pod> head, boolean allReady, boolean suspended, String now) {
    List<Object> out = new ArrayList<>();
    boolean headReady = head.isPresent() && runningAndReady(head.get());
    out.add(
        condition(
            previous,
            "HeadPodReady",
            headReady,
            headReady ? "HeadPodRunningAndReady" : "HeadPodNotFound",
            headReady ? "" : head.isPresent() ? "Head Pod is not ready" : "Head Pod not found",
            now));
    boolean provisioned = provisioned(previous) || allReady;
    out.add(
        condition(
            previous,
            "RayClusterProvisioned",
            provisioned,
            provisioned ? "AllPodRunningAndReadyFirstTime" : "RayClusterPodsProvisioning",
            provisioned
                ? "All Ray Pods are ready for the first time"
                : "RayCluster Pods are being provisioned for first time",
            now));
    // v1.5.0 reports both suspension conditions from the start, with the type as reason and no
    // message. The
    // emulator suspends at once, so RayClusterSuspending is never True for longer than one
    // reconcile.
    out.add(condition(previous, "RayClusterSuspending", false, "RayClusterSuspending", "", now));
    out.add(condition(previous, "RayClusterSuspended", suspended, "RayClusterSuspended", "", now));
    return out;
  }

  /** Whether {@code conditions} (a RayCluster's status) hold RayClusterProvisioned as True. */
  static boolean provisioned(List<Object> conditions) {
    return conditions.stream()
        .map(Maps::map)
        .anyMatch(
            c -> "RayClusterProvisioned".equals(c.get("type")) && "True".equals(c.get("status")));
  }

  private static Map<String, Object> condition(
      List<Object> previous,
      String type,
      boolean status,
      String reason,
      String message,
      String now) {
    String s = status ? "True" : "False";
    String transition =
        previous.stream()
            .map(Maps::map)
            .filter(c -> type.equals(c.get("type")) && s.equals(c.get("status")))
            .map(c -> String.valueOf(c.get("lastTransitionTime")))
            .findFirst()
            .orElse(now);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("lastTransitionTime", transition);
    c.put("message", message);
    c.put("reason", reason);
    c.put("status", s);
    c.put("type", type);
    return c;
  }

  private static Map<String, Object> endpoints(Service service) {
    Map<String, Object> endpoints = new LinkedHashMap<>();
    for (ServicePort p : service.getSpec().getPorts()) {
      if (p.getName() == null) {
        continue;
      }
      String value =
          p.getNodePort() != null
              ? String.valueOf(p.getNodePort())
              : p.getTargetPort() != null
                  ? p.getTargetPort().toString().replaceAll("[^0-9A-Za-z-]", "")
                  : String.valueOf(p.getPort());
      if (p.getTargetPort() != null && p.getTargetPort().getIntVal() != null) {
        value = String.valueOf(p.getTargetPort().getIntVal());
      }
      endpoints.put(p.getName(), value);
    }
    return endpoints;
  }

  private static void desiredResources(
      RayClusterView cluster, List<RayClusterView.WorkerGroup> groups, Map<String, Object> status) {
    Map<String, List<Quantity>> totals = new LinkedHashMap<>();
    addPod(totals, cluster.headTemplate().getSpec().getContainers(), 1);
    for (RayClusterView.WorkerGroup g : groups) {
      addPod(totals, g.template().getSpec().getContainers(), g.desiredPods());
    }
    status.put("desiredCPU", Quantities.sum(totals.getOrDefault("cpu", List.of())));
    status.put("desiredMemory", Quantities.sum(totals.getOrDefault("memory", List.of())));
    status.put("desiredGPU", Quantities.sum(totals.getOrDefault("gpu", List.of())));
    status.put("desiredTPU", Quantities.sum(totals.getOrDefault("tpu", List.of())));
  }

  private static void addPod(
      Map<String, List<Quantity>> totals, List<Container> containers, int times) {
    for (int i = 0; i < times; i++) {
      for (Container c : containers) {
        if (c.getResources() == null) {
          continue;
        }
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (c.getResources().getLimits() != null) {
          amounts.putAll(c.getResources().getLimits());
        }
        if (c.getResources().getRequests() != null) {
          amounts.putAll(c.getResources().getRequests());
        }
        amounts.forEach(
            (k, q) -> {
              String key = k.endsWith("gpu") ? "gpu" : k.endsWith("tpu") ? "tpu" : k;
              totals.computeIfAbsent(key, x -> new ArrayList<>()).add(q);
            });
      }
    }
  }

  static boolean running(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
  }

  static boolean runningAndReady(Pod pod) {
    if (!running(pod) || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }
}
