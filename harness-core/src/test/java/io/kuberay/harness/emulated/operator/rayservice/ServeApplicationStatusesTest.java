package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeApplicationStatusesTest {

  private static final Map<String, Map<String, Object>> FAILED =
      Map.of(
          "broken",
          Map.of(
              "status",
              "DEPLOY_FAILED",
              "message",
              "ModuleNotFoundError: No module named 'broken'",
              "deployments",
              Map.of()));

  @Test
  void anApplicationThatFailedBeforeTheOperatorFirstLookedIsReported() {
    // Under load the first answer can already be DEPLOY_FAILED: no previous status to compare.
    Map<String, Object> apps = ServeApplicationStatuses.of(FAILED, Map.of());

    assertThat(apps).containsOnlyKeys("broken");
    assertThat((Map<String, Object>) apps.get("broken"))
        .containsEntry("status", "DEPLOY_FAILED")
        .containsEntry("message", "ModuleNotFoundError: No module named 'broken'")
        .containsKey("healthLastUpdateTime");
  }

  @Test
  void anApplicationThatStaysUnhealthyKeepsItsHealthTime() {
    Map<String, Object> previous =
        Map.of(
            "broken",
            Map.of("status", "UNHEALTHY", "healthLastUpdateTime", "2026-12-03T10:00:00Z"));

    Map<String, Object> apps = ServeApplicationStatuses.of(FAILED, previous);

    assertThat((Map<String, Object>) apps.get("broken"))
        .containsEntry("healthLastUpdateTime", "2026-12-03T10:00:00Z");
  }

  @Test
  void aPreviousEntryWithoutStatusIsNotUnhealthy() {
    Map<String, Object> apps =
        ServeApplicationStatuses.of(FAILED, Map.of("broken", Map.of("message", "x")));

    assertThat((Map<String, Object>) apps.get("broken")).containsKey("healthLastUpdateTime");
  }
}
