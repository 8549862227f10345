package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.GoDuration;
import io.kuberay.harness.emulated.support.Maps;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * v1.5.0+'s {@code calculateConditions}: {@code Ready} from the number of serve endpoints, {@code
 * UpgradeInProgress} from which clusters exist, and {@code serviceStatus} Running exactly when
 * Ready is True (otherwise absent: KubeRay's {@code NotRunning} is the empty string). Every
 * condition set carries the status's {@code observedGeneration} ({@code setCondition}).
 */
final class RayServiceConditions {

  private RayServiceConditions() {}

  static void apply(Map<String, Object> status) {
    apply(status, OptionalLong.empty(), Instant.now());
  }

  /**
   * {@code calculateConditions} with v1.5.0+'s {@code markFailedOnInitializingTimeout}: the Warning
   * event's message when the initializing timeout ({@code ray.io/initializing-timeout}, in
   * nanoseconds) has just run out.
   */
  static Optional<String> apply(
      Map<String, Object> status, OptionalLong initializingTimeout, Instant now) {
    long generation = generation(status);
    Optional<String> timedOut = Optional.empty();
    List<Map<String, Object>> conditions = conditions(status);
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
    } else {
      // After the endpoint check, so that endpoints that appear take priority.
      timedOut = markFailedOnInitializingTimeout(status, conditions, initializingTimeout, now);
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
    return timedOut;
  }

  /**
   * {@code markFailedOnInitializingTimeout}: Ready False with reason Initializing for at least the
   * timeout (from its lastTransitionTime) clears both cluster names and sets Ready False
   * InitializingTimeout; the event's message is returned.
   */
  private static Optional<String> markFailedOnInitializingTimeout(
      Map<String, Object> status,
      List<Map<String, Object>> conditions,
      OptionalLong timeout,
      Instant now) {
    Optional<String> since = initializingSince(conditions);
    if (timeout.isEmpty() || since.isEmpty()) {
      return Optional.empty();
    }
    long spent = sinceNanos(since.get(), now);
    if (spent < timeout.getAsLong()) {
      return Optional.empty();
    }
    for (String which : List.of("activeServiceStatus", "pendingServiceStatus")) {
      Map<String, Object> cluster = new LinkedHashMap<>(Maps.map(status.get(which)));
      cluster.remove("rayClusterName");
      status.put(which, cluster);
    }
    set(
        conditions,
        generation(status),
        "Ready",
        "False",
        "InitializingTimeout",
        "RayService failed to become ready within the configured timeout of "
            + GoDuration.format(timeout.getAsLong())
            + ". Time spent initializing: "
            + GoDuration.format(spent));
    return Optional.of(
        "RayService initializing timeout exceeded after "
            + GoDuration.format(spent)
            + " (configured timeout: "
            + GoDuration.format(timeout.getAsLong())
            + ")");
  }

  /**
   * How long until the initializing timeout runs out (zero: now), when Ready is False Initializing
   * and a timeout is set; for a requeue that fires it on time.
   */
  static Optional<Duration> untilInitializingTimeout(
      Map<String, Object> status, OptionalLong timeout, Instant now) {
    Optional<String> since = initializingSince(conditions(status));
    if (timeout.isEmpty() || since.isEmpty()) {
      return Optional.empty();
    }
    long left = timeout.getAsLong() - sinceNanos(since.get(), now);
    return Optional.of(Duration.ofNanos(Math.max(0, left)));
  }

  /** Ready's lastTransitionTime when it is False with reason Initializing. */
  private static Optional<String> initializingSince(List<Map<String, Object>> conditions) {
    Map<String, Object> ready = find(conditions, "Ready");
    return ready != null
            && "False".equals(ready.get("status"))
            && "Initializing".equals(ready.get("reason"))
        ? Optional.of(String.valueOf(ready.get("lastTransitionTime")))
        : Optional.empty();
  }

  /** {@code isInitializingTimeout}: Ready False with reason InitializingTimeout, for good. */
  static boolean initializingTimedOut(Map<String, Object> status) {
    Map<String, Object> ready = find(conditions(status), "Ready");
    return ready != null
        && "False".equals(ready.get("status"))
        && "InitializingTimeout".equals(ready.get("reason"));
  }

  /**
   * {@code time.Since(lastTransitionTime)} in nanoseconds; Go's Sub saturates, and a missing time
   * is Go's zero time, long ago.
   */
  private static long sinceNanos(Object lastTransitionTime, Instant now) {
    Instant since;
    try {
      since = Instant.parse(String.valueOf(lastTransitionTime));
    } catch (DateTimeParseException e) {
      return Long.MAX_VALUE;
    }
    Duration spent = Duration.between(since, now);
    BigInteger nanos =
        BigInteger.valueOf(spent.getSeconds())
            .multiply(BigInteger.valueOf(1_000_000_000L))
            .add(BigInteger.valueOf(spent.getNano()));
    return nanos
        .max(BigInteger.valueOf(Long.MIN_VALUE))
        .min(BigInteger.valueOf(Long.MAX_VALUE))
        .longValue();
  }

  /** {@code suspendIsOperative}: Suspending or Suspended is True (v1.7.0). */
  static boolean suspendIsOperative(Map<String, Object> status) {
    List<Map<String, Object>> conditions = conditions(status);
    return isTrue(conditions, "Suspending") || isTrue(conditions, "Suspended");
  }

  static boolean isTrue(Map<String, Object> status, String type) {
    return isTrue(conditions(status), type);
  }

  /**
   * {@code setCondition} on the status: its observedGeneration, the transition time kept unless the
   * status changes.
   */
  static void set(
      Map<String, Object> status, String type, String value, String reason, String message) {
    List<Map<String, Object>> conditions = conditions(status);
    set(conditions, generation(status), type, value, reason, message);
    status.put("conditions", conditions);
  }

  /** {@code meta.RemoveStatusCondition}. */
  static void remove(Map<String, Object> status, String type) {
    List<Map<String, Object>> conditions = conditions(status);
    conditions.removeIf(c -> type.equals(c.get("type")));
    status.put("conditions", conditions);
  }

  /** A copy of the status's conditions, each a copy, to change and put back. */
  private static List<Map<String, Object>> conditions(Map<String, Object> status) {
    List<Map<String, Object>> conditions = new ArrayList<>();
    for (Object c : Maps.list(status.get("conditions"))) {
      conditions.add(new LinkedHashMap<>(Maps.map(c)));
    }
    return conditions;
  }

  /** v1.7.0: a spec that fails validation makes Ready False with reason ValidationFailed. */
  static void validationFailed(Map<String, Object> status, String message) {
    set(status, "Ready", "False", "ValidationFailed", message);
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
