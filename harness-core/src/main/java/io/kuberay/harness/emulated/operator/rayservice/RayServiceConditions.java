package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * v1.5.0+'s {@code calculateConditions}: {@code Ready} from the number of serve endpoints, {@code
 * UpgradeInProgress} from which clusters exist, and {@code serviceStatus} Running exactly when
 * Ready is True (otherwise absent: KubeRay's {@code NotRunning} is the empty string). Every
 * condition set carries the status's {@code observedGeneration} ({@code setCondition}).
 */
final class RayServiceConditions {

  private RayServiceConditions() {}

  static void apply(Map<String, Object> status) {
    long generation = generation(status);
    List<Map<String, Object>> conditions = new ArrayList<>();
    for (Object c : Maps.list(status.get("conditions"))) {
      conditions.add(new LinkedHashMap<>(Maps.map(c)));
    }
    if (conditions.isEmpty()) {
      set(conditions, generation, "Ready", "False", "Initializing", "RayService is initializing");
      set(
          conditions,
          generation,
          "UpgradeInProgress",
          "False",
          "Initializing",
          "RayService is initializing");
    }
    int endpoints = Maps.integer(status, "numServeEndpoints").orElse(0);
    if (endpoints > 0) {
      set(
          conditions,
          generation,
          "Ready",
          "True",
          "NonZeroServeEndpoints",
          "Number of serve endpoints is greater than 0");
    } else if (isTrue(conditions, "Ready")) {
      set(
          conditions,
          generation,
          "Ready",
          "False",
          "ZeroServeEndpoints",
          "Number of serve endpoints dropped to 0");
    }
    String active = Maps.string(status, "activeServiceStatus", "rayClusterName").orElse("");
    String pending = Maps.string(status, "pendingServiceStatus", "rayClusterName").orElse("");
    if (!active.isEmpty() && !pending.isEmpty()) {
      set(
          conditions,
          generation,
          "UpgradeInProgress",
          "True",
          "BothActivePendingClustersExist",
          "Both active and pending Ray clusters exist");
    } else if (!active.isEmpty()) {
      set(
          conditions,
          generation,
          "UpgradeInProgress",
          "False",
          "NoPendingCluster",
          "Active Ray cluster exists and no pending Ray cluster");
    } else {
      Map<String, Object> upgrade = find(conditions, "UpgradeInProgress");
      if (upgrade == null
          || !"Initializing".equals(upgrade.get("reason"))
              && !"InitializingTimeout".equals(upgrade.get("reason"))) {
        set(
            conditions,
            generation,
            "UpgradeInProgress",
            "Unknown",
            "NoActiveCluster",
            "No active Ray cluster exists, and the RayService is not initializing. Please open a GitHub issue in the KubeRay repository.");
      }
    }
    status.put("conditions", conditions);
    // rayv1.NotRunning is the empty string, and the field is omitempty: not ready, no field
    // (kubectl get rayservice shows an empty SERVICE STATUS).
    if (isTrue(conditions, "Ready")) {
      status.put("serviceStatus", "Running");
    } else {
      status.remove("serviceStatus");
    }
  }

  /** v1.7.0: a spec that fails validation makes Ready False with reason ValidationFailed. */
  static void validationFailed(Map<String, Object> status, String message) {
    long generation = generation(status);
    List<Map<String, Object>> conditions = new ArrayList<>();
    for (Object c : Maps.list(status.get("conditions"))) {
      conditions.add(new LinkedHashMap<>(Maps.map(c)));
    }
    set(conditions, generation, "Ready", "False", "ValidationFailed", message);
    status.put("conditions", conditions);
  }

  private static boolean isTrue(List<Map<String, Object>> conditions, String type) {
    Map<String, Object> c = find(conditions, type);
    return c != null && "True".equals(c.get("status"));
  }

  private static Map<String, Object> find(List<Map<String, Object>> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(null);
  }

  /** meta.SetStatusCondition: the transition time changes only with the status. */
  private static void set(
      List<Map<String, Object>> conditions,
      long generation,
      String type,
      String value,
      String reason,
      String message) {
    Map<String, Object> c = find(conditions, type);
    if (c == null) {
      c = new LinkedHashMap<>();
      c.put("type", type);
      conditions.add(c);
    }
    if (!value.equals(c.get("status"))) {
      c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    c.put("status", value);
    c.put("reason", reason);
    c.put("message", message);
    // metav1.Condition's observedGeneration is omitempty: a status never observed writes none.
    if (generation > 0) {
      c.put("observedGeneration", generation);
    } else {
      c.remove("observedGeneration");
    }
  }

  /**
   * {@code setCondition} takes {@code Status.ObservedGeneration}: the RayService's generation once
   * {@code calculateStatus} ran, what was stored before when validation failed first (v1.7.0).
   */
  private static long generation(Map<String, Object> status) {
    return status.get("observedGeneration") instanceof Number n ? n.longValue() : 0L;
  }
}
