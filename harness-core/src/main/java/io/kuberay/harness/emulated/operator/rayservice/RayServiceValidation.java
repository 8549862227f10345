package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.Dns1035Label;
import io.kuberay.harness.emulated.support.GoAtoi;
import io.kuberay.harness.emulated.support.GoDuration;
import io.kuberay.harness.emulated.support.Maps;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * v1.5.0's and v1.7.0's {@code ValidateRayServiceMetadata} (utils/validation.go) and {@code
 * getInitializingTimeout}: the name fits a RayCluster name with its {@code -xxxxx} suffix and is a
 * DNS-1035 label, and the {@code ray.io/initializing-timeout} annotation, when set, is a positive
 * Go duration ({@code 5m}, {@code 1h30m}, {@code 300ms}) or a positive integer of seconds. Also
 * {@code ValidateClusterUpgradeOptions}, the part of {@code ValidateRayServiceSpec} for an
 * incremental upgrade.
 */
final class RayServiceValidation {

  static final String INITIALIZING_TIMEOUT = "ray.io/initializing-timeout";

  /** {@code MaxRayServiceNameLength}: {@code MaxRayClusterNameLength} (53) - 6. */
  static final int MAX_NAME_LENGTH = 47;

  private RayServiceValidation() {}

  /**
   * The error v1.5.0's {@code ValidateRayServiceMetadata} returns (v1.7.0 puts {@code The
   * RayService metadata is invalid: } before it), or empty.
   */
  static Optional<String> error(String name, Map<String, String> annotations) {
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          "RayService name should be no more than " + MAX_NAME_LENGTH + " characters");
    }
    Optional<String> label = Dns1035Label.errors(name);
    if (label.isPresent()) {
      return Optional.of("RayService name should be a valid DNS1035 label: " + label.get());
    }
    return timeoutError(annotations).map(e -> "RayService annotations is invalid: " + e);
  }

  /**
   * {@code ValidateClusterUpgradeOptions}, for {@code upgradeStrategy.type:
   * NewClusterWithIncrementalUpgrade} with the RayServiceIncrementalUpgrade gate on (v1.7.0's
   * default); {@code stepSizeWithinSurge}: v1.7.0's check that stepSizePercent is at most
   * maxSurgePercent (CRD default 100).
   */
  static Optional<String> upgradeOptionsError(
      Map<String, Object> spec, boolean stepSizeWithinSurge) {
    if (!Maps.bool(spec, "rayClusterConfig", "enableInTreeAutoscaling")) {
      return Optional.of("Ray Autoscaler is required for NewClusterWithIncrementalUpgrade");
    }
    if (!(Maps.get(spec, "upgradeStrategy", "clusterUpgradeOptions") instanceof Map<?, ?>)) {
      return Optional.of("ClusterUpgradeOptions are required for NewClusterWithIncrementalUpgrade");
    }
    Map<String, Object> options =
        Maps.map(Maps.get(spec, "upgradeStrategy", "clusterUpgradeOptions"));
    int maxSurge = Maps.integer(options, "maxSurgePercent").orElse(100);
    if (maxSurge < 0 || maxSurge > 100) {
      return Optional.of("maxSurgePercent must be between 0 and 100");
    }
    Optional<Integer> stepSize = Maps.integer(options, "stepSizePercent");
    if (stepSize.isEmpty() || stepSize.get() < 0 || stepSize.get() > 100) {
      return Optional.of("stepSizePercent must be between 0 and 100");
    }
    if (stepSizeWithinSurge && stepSize.get() > maxSurge) {
      return Optional.of("stepSizePercent must be less than or equal to maxSurgePercent");
    }
    Optional<Integer> interval = Maps.integer(options, "intervalSeconds");
    if (interval.isEmpty() || interval.get() <= 0) {
      return Optional.of("intervalSeconds must be greater than 0");
    }
    if (Maps.string(options, "gatewayClassName").orElse("").isEmpty()) {
      return Optional.of("gatewayClassName is required for NewClusterWithIncrementalUpgrade");
    }
    return Optional.empty();
  }

  /** {@code validateInitializingTimeout}. */
  private static Optional<String> timeoutError(Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(INITIALIZING_TIMEOUT);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong duration = parseDuration(value);
    if (duration.isPresent()) {
      return duration.getAsLong() <= 0
          ? Optional.of(
              "annotation " + INITIALIZING_TIMEOUT + " must be a positive duration, got: " + value)
          : Optional.empty();
    }
    OptionalLong seconds = GoAtoi.parse(value);
    if (seconds.isPresent()) {
      return seconds.getAsLong() <= 0
          ? Optional.of(
              "annotation "
                  + INITIALIZING_TIMEOUT
                  + " must be a positive integer (seconds), got: "
                  + value)
          : Optional.empty();
    }
    return Optional.of(
        "annotation "
            + INITIALIZING_TIMEOUT
            + " has invalid format: "
            + value
            + ". Expected Go duration format (e.g., '5m', '1h') or positive integer seconds");
  }

  /**
   * {@code getInitializingTimeout}: the annotation's timeout in nanoseconds, a Go duration first,
   * else whole seconds (multiplied in int64 as Go does, overflow and all); empty when absent or
   * unreadable.
   */
  static OptionalLong initializingTimeout(Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(INITIALIZING_TIMEOUT);
    if (value == null || value.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong duration = parseDuration(value);
    if (duration.isPresent()) {
      return duration;
    }
    OptionalLong seconds = GoAtoi.parse(value);
    return seconds.isPresent()
        ? OptionalLong.of(seconds.getAsLong() * 1_000_000_000L)
        : OptionalLong.empty();
  }

  private static OptionalLong parseDuration(String value) {
    try {
      return OptionalLong.of(GoDuration.parse(value));
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }
}
