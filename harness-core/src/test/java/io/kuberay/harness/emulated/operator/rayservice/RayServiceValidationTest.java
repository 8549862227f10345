package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KubeRay v1.5.0's and v1.7.0's utils/validation_test.go TestValidateRayServiceMetadata, case for
 * case, with the whole messages (the Go test checks parts of them), and getInitializingTimeout.
 */
class RayServiceValidationTest {

  private static final String TIMEOUT = "ray.io/initializing-timeout";

  @Test
  void nameLengthAndDns1035Label() {
    assertThat(RayServiceValidation.error("j".repeat(48), Map.of()))
        .contains("RayService name should be no more than 47 characters");
    assertThat(RayServiceValidation.error("1".repeat(47), Map.of()))
        .contains(
            "RayService name should be a valid DNS1035 label: [a DNS-1035 label must consist of lower"
                + " case alphanumeric characters or '-', start with an alphabetic character, and end"
                + " with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for"
                + " validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]");
    assertThat(RayServiceValidation.error("j".repeat(47), Map.of())).isEmpty();
    // A name the API server takes for a custom resource (a DNS-1123 subdomain), not a label.
    assertThat(RayServiceValidation.error("svc.v2", Map.of()))
        .hasValueSatisfying(e -> assertThat(e).startsWith("RayService name should be a valid"));
    assertThat(RayServiceValidation.error("svc-", Map.of())).isPresent();
  }

  @ParameterizedTest(name = "{0} is accepted")
  @CsvSource({"5m", "300", "1h30m", "300ms", "+7", "007", "''"})
  void validTimeouts(String value) {
    assertThat(RayServiceValidation.error("valid-service", Map.of(TIMEOUT, value))).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | annotation ray.io/initializing-timeout must be a positive duration, got: 0",
        "-0 | annotation ray.io/initializing-timeout must be a positive duration, got: -0",
        "0s | annotation ray.io/initializing-timeout must be a positive duration, got: 0s",
        "-5m | annotation ray.io/initializing-timeout must be a positive duration, got: -5m",
        "-100 | annotation ray.io/initializing-timeout must be a positive integer (seconds), got:"
            + " -100",
        "00 | annotation ray.io/initializing-timeout must be a positive integer (seconds), got: 00",
        "invalid | annotation ray.io/initializing-timeout has invalid format: invalid. Expected Go"
            + " duration format (e.g., '5m', '1h') or positive integer seconds",
        "1d | annotation ray.io/initializing-timeout has invalid format: 1d. Expected Go duration"
            + " format (e.g., '5m', '1h') or positive integer seconds",
        "9223372036854775808 | annotation ray.io/initializing-timeout has invalid format:"
            + " 9223372036854775808. Expected Go duration format (e.g., '5m', '1h') or positive"
            + " integer seconds"
      })
  void invalidTimeouts(String value, String error) {
    assertThat(RayServiceValidation.error("invalid-service", Map.of(TIMEOUT, value)))
        .contains("RayService annotations is invalid: " + error);
  }

  /** A spec with NewClusterWithIncrementalUpgrade and these upgrade options (null: none). */
  private static Map<String, Object> upgrade(boolean autoscaling, Map<String, Object> options) {
    Map<String, Object> strategy = new LinkedHashMap<>();
    strategy.put("type", "NewClusterWithIncrementalUpgrade");
    if (options != null) {
      strategy.put("clusterUpgradeOptions", options);
    }
    return Map.of(
        "rayClusterConfig",
        Map.of("enableInTreeAutoscaling", autoscaling),
        "upgradeStrategy",
        strategy);
  }

  private static Map<String, Object> options(
      Integer maxSurge, Integer stepSize, Integer interval, String gatewayClass) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("maxSurgePercent", maxSurge);
    options.put("stepSizePercent", stepSize);
    options.put("intervalSeconds", interval);
    options.put("gatewayClassName", gatewayClass);
    options.values().removeIf(Objects::isNull);
    return options;
  }

  /**
   * TestValidateClusterUpgradeOptions (v1.7.0; v1.5.0 lacks the step-size-within-surge check), with
   * Go's messages.
   */
  @Test
  void clusterUpgradeOptions() {
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, 50, 10, "istio")), true))
        .isEmpty();
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(false, options(50, 50, 10, "istio")), true))
        .contains("Ray Autoscaler is required for NewClusterWithIncrementalUpgrade");
    assertThat(RayServiceValidation.upgradeOptionsError(upgrade(true, null), true))
        .contains("ClusterUpgradeOptions are required for NewClusterWithIncrementalUpgrade");
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(200, 50, 10, "istio")), true))
        .contains("maxSurgePercent must be between 0 and 100");
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, null, 10, "istio")), true))
        .contains("stepSizePercent must be between 0 and 100");
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, 75, 10, "istio")), true))
        .contains("stepSizePercent must be less than or equal to maxSurgePercent");
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, 75, 10, "istio")), false))
        .isEmpty();
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, 50, 0, "istio")), true))
        .contains("intervalSeconds must be greater than 0");
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(50, 50, 10, null)), true))
        .contains("gatewayClassName is required for NewClusterWithIncrementalUpgrade");
    // maxSurgePercent's CRD default, 100, where the API server did not default it.
    assertThat(
            RayServiceValidation.upgradeOptionsError(
                upgrade(true, options(null, 100, 10, "istio")), true))
        .isEmpty();
  }

  /** getInitializingTimeout: a Go duration first, else seconds; absent or empty: none. */
  @Test
  void initializingTimeoutInNanoseconds() {
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "5m")))
        .hasValue(300_000_000_000L);
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "300")))
        .hasValue(300_000_000_000L);
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "1h30m")))
        .hasValue(5_400_000_000_000L);
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "300ms")))
        .hasValue(300_000_000L);
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "")))
        .isEqualTo(OptionalLong.empty());
    assertThat(RayServiceValidation.initializingTimeout(Map.of())).isEqualTo(OptionalLong.empty());
    assertThat(RayServiceValidation.initializingTimeout(null)).isEqualTo(OptionalLong.empty());
    // time.Duration(seconds) * time.Second overflows int64 as Go's multiplication does.
    assertThat(RayServiceValidation.initializingTimeout(Map.of(TIMEOUT, "10000000000")))
        .hasValue(10_000_000_000L * 1_000_000_000L);
  }
}
