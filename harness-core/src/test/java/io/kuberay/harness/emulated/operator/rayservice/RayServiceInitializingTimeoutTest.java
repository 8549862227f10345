package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.5.0's and v1.7.0's rayservice_controller_unit_test.go TestIsInitializingTimeout and
 * TestMarkFailedIfInitializingTimedOut, case for case, against {@link RayServiceConditions} (the
 * emulator's calculateConditions, where markFailedOnInitializingTimeout runs), with Go's whole
 * messages.
 */
class RayServiceInitializingTimeoutTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.250Z");
  private static final OptionalLong THIRTY_MINUTES =
      OptionalLong.of(Duration.ofMinutes(30).toNanos());

  private static Map<String, Object> condition(String status, String reason, Instant since) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "Ready");
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", "m");
    c.put("lastTransitionTime", since.toString());
    c.put("observedGeneration", 1L);
    return c;
  }

  private static Map<String, Object> status(Map<String, Object> ready) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", 1L);
    if (ready != null) {
      status.put("conditions", List.of(ready));
    }
    status.put("activeServiceStatus", new LinkedHashMap<>(Map.of("rayClusterName", "active")));
    status.put("pendingServiceStatus", new LinkedHashMap<>(Map.of("rayClusterName", "pending")));
    return status;
  }

  private static Map<String, Object> ready(Map<String, Object> status) {
    return Maps.list(status.get("conditions")).stream()
        .map(Maps::map)
        .filter(c -> "Ready".equals(c.get("type")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void isInitializingTimeout() {
    assertThat(RayServiceConditions.initializingTimedOut(status(null))).isFalse();
    assertThat(
            RayServiceConditions.initializingTimedOut(
                status(condition("False", "InitializingTimeout", NOW))))
        .isTrue();
    assertThat(
            RayServiceConditions.initializingTimedOut(
                status(condition("False", "ZeroServeEndpoints", NOW))))
        .isFalse();
    assertThat(
            RayServiceConditions.initializingTimedOut(
                status(condition("True", "NonZeroServeEndpoints", NOW))))
        .isFalse();
  }

  @Test
  void noTimeoutAnnotationNoTimeout() {
    Map<String, Object> status =
        status(condition("False", "Initializing", NOW.minus(Duration.ofHours(1))));

    assertThat(RayServiceConditions.apply(status, OptionalLong.empty(), NOW)).isEmpty();

    assertThat(ready(status)).containsEntry("reason", "Initializing");
    assertThat(Maps.string(status, "pendingServiceStatus", "rayClusterName")).contains("pending");
  }

  @Test
  void timeoutNotExceeded() {
    Map<String, Object> status =
        status(condition("False", "Initializing", NOW.minus(Duration.ofMinutes(10))));

    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW)).isEmpty();

    assertThat(ready(status)).containsEntry("reason", "Initializing");
    assertThat(RayServiceConditions.untilInitializingTimeout(status, THIRTY_MINUTES, NOW))
        .contains(Duration.ofMinutes(20));
  }

  @Test
  void timeoutExceededFailsAndClearsTheClusters() {
    Instant since = Instant.parse("2026-01-02T02:29:05Z"); // 35 min 0.25 s before NOW
    Map<String, Object> status = status(condition("False", "Initializing", since));

    Optional<String> event = RayServiceConditions.apply(status, THIRTY_MINUTES, NOW);

    assertThat(event)
        .contains(
            "RayService initializing timeout exceeded after 35m0.25s (configured timeout: 30m0s)");
    assertThat(ready(status))
        .containsEntry("status", "False")
        .containsEntry("reason", "InitializingTimeout")
        .containsEntry(
            "message",
            "RayService failed to become ready within the configured timeout of 30m0s. Time spent"
                + " initializing: 35m0.25s")
        // The status did not change (False → False): meta.SetStatusCondition keeps the time.
        .containsEntry("lastTransitionTime", since.toString());
    assertThat(Maps.map(status.get("activeServiceStatus"))).doesNotContainKey("rayClusterName");
    assertThat(Maps.map(status.get("pendingServiceStatus"))).doesNotContainKey("rayClusterName");
    assertThat(RayServiceConditions.initializingTimedOut(status)).isTrue();
    assertThat(status).doesNotContainKey("serviceStatus");
  }

  /** Exactly at the timeout it fires: Go's check is timeInInitializing &lt; timeout. */
  @Test
  void firesAtTheTimeoutItself() {
    Map<String, Object> status =
        status(condition("False", "Initializing", NOW.minus(Duration.ofMinutes(30))));

    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW))
        .contains(
            "RayService initializing timeout exceeded after 30m0s (configured timeout: 30m0s)");
  }

  @Test
  void alreadyTimedOutDoesNotTimeOutAgain() {
    Map<String, Object> status =
        status(condition("False", "InitializingTimeout", NOW.minus(Duration.ofMinutes(35))));

    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW)).isEmpty();
    assertThat(ready(status)).containsEntry("message", "m");
  }

  @Test
  void notInitializingDoesNotTimeOut() {
    Map<String, Object> ready =
        condition("True", "NonZeroServeEndpoints", NOW.minus(Duration.ofMinutes(35)));
    Map<String, Object> status = status(ready);
    status.put("numServeEndpoints", 1);

    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW)).isEmpty();
    assertThat(ready(status)).containsEntry("reason", "NonZeroServeEndpoints");

    // Endpoints dropped to 0: ZeroServeEndpoints, which the timeout does not count.
    status.put("numServeEndpoints", 0);
    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW)).isEmpty();
    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW.plus(Duration.ofHours(2))))
        .isEmpty();
    assertThat(ready(status)).containsEntry("reason", "ZeroServeEndpoints");
  }

  /**
   * Endpoints take priority: a RayService that becomes ready after its timeout (not yet checked) is
   * Ready.
   */
  @Test
  void endpointsTakePriority() {
    Map<String, Object> status =
        status(condition("False", "Initializing", NOW.minus(Duration.ofMinutes(35))));
    status.put("numServeEndpoints", 2);

    assertThat(RayServiceConditions.apply(status, THIRTY_MINUTES, NOW)).isEmpty();
    assertThat(ready(status)).containsEntry("status", "True");
  }

  /**
   * The first pass: no conditions yet, Initializing set now, nothing spent; UpgradeInProgress keeps
   * Initializing after the timeout (no active cluster, calculateConditions leaves it).
   */
  @Test
  void upgradeInProgressStaysInitializingThroughTheTimeout() {
    Map<String, Object> status = status(null);
    Maps.map(status.get("activeServiceStatus")).remove("rayClusterName");
    Instant first = Instant.now();
    OptionalLong twoSeconds = OptionalLong.of(Duration.ofSeconds(2).toNanos());

    assertThat(RayServiceConditions.apply(status, twoSeconds, first)).isEmpty();
    assertThat(RayServiceConditions.untilInitializingTimeout(status, twoSeconds, first))
        .hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(2)));

    Optional<String> event =
        RayServiceConditions.apply(status, twoSeconds, first.plus(Duration.ofSeconds(3)));

    assertThat(event).isPresent();
    assertThat(
            Maps.list(status.get("conditions")).stream()
                .map(Maps::map)
                .filter(c -> "UpgradeInProgress".equals(c.get("type")))
                .findFirst()
                .orElseThrow())
        .containsEntry("status", "False")
        .containsEntry("reason", "Initializing");
  }
}
