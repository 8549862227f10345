package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServeApplicationStatusesTest {

  private static final KubeRayVersion V110 = KubeRayVersion.V1_1_0;

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

  private static final Map<String, Map<String, Object>> UNHEALTHY_DEPLOYMENT =
      Map.of(
          "app",
          Map.of(
              "status",
              "RUNNING",
              "deployments",
              Map.of("Greeter", Map.of("status", "UNHEALTHY", "message", "replica died"))));

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void anApplicationThatFailedBeforeTheOperatorFirstLookedIsReported() {
    // Under load the first answer can already be DEPLOY_FAILED: no previous status to compare.
    Map<String, Object> apps = ServeApplicationStatuses.of(V110, FAILED, Map.of());

    assertThat(apps).containsOnlyKeys("broken");
    assertThat(map(apps.get("broken")))
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

    Map<String, Object> apps = ServeApplicationStatuses.of(V110, FAILED, previous);

    assertThat(map(apps.get("broken")))
        .containsEntry("healthLastUpdateTime", "2026-12-03T10:00:00Z");
  }

  @Test
  void aPreviousEntryWithoutStatusIsNotUnhealthy() {
    Map<String, Object> apps =
        ServeApplicationStatuses.of(V110, FAILED, Map.of("broken", Map.of("message", "x")));

    assertThat(map(apps.get("broken"))).containsKey("healthLastUpdateTime");
  }

  /**
   * v1.1.0 getAndCheckServeStatus: a deployment UNHEALTHY now and before keeps {@code
   * prevStatus.HealthLastUpdateTime}; any other gets now.
   */
  @Test
  void v110ADeploymentThatStaysUnhealthyKeepsItsHealthTime() {
    Map<String, Object> previous =
        Map.of(
            "app",
            Map.of(
                "status",
                "RUNNING",
                "serveDeploymentStatuses",
                Map.of(
                    "Greeter",
                    Map.of(
                        "status", "UNHEALTHY", "healthLastUpdateTime", "2026-12-03T10:00:00Z"))));

    Map<String, Object> kept = ServeApplicationStatuses.of(V110, UNHEALTHY_DEPLOYMENT, previous);
    Map<String, Object> fresh = ServeApplicationStatuses.of(V110, UNHEALTHY_DEPLOYMENT, Map.of());

    assertThat(map(map(map(kept.get("app")).get("serveDeploymentStatuses")).get("Greeter")))
        .containsEntry("healthLastUpdateTime", "2026-12-03T10:00:00Z");
    assertThat(map(map(map(fresh.get("app")).get("serveDeploymentStatuses")).get("Greeter")))
        .containsKey("healthLastUpdateTime")
        .doesNotContainEntry("healthLastUpdateTime", "2026-12-03T10:00:00Z");
  }

  /**
   * KubeRay v1.3.0 removed HealthLastUpdateTime from AppStatus and ServeDeploymentStatus
   * (apis/ray/v1/rayservice_types.go): v1.5.0 and v1.7.0 write no such field.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void noHealthLastUpdateTimeSinceV130(String version) {
    Map<String, Object> previous =
        Map.of(
            "broken",
            Map.of("status", "UNHEALTHY", "healthLastUpdateTime", "2026-12-03T10:00:00Z"));

    Map<String, Object> failed =
        ServeApplicationStatuses.of(KubeRayVersion.of(version), FAILED, previous);
    Map<String, Object> running =
        ServeApplicationStatuses.of(KubeRayVersion.of(version), UNHEALTHY_DEPLOYMENT, Map.of());

    assertThat(map(failed.get("broken")))
        .containsEntry("status", "DEPLOY_FAILED")
        .doesNotContainKey("healthLastUpdateTime");
    assertThat(map(running.get("app"))).doesNotContainKey("healthLastUpdateTime");
    assertThat(map(map(map(running.get("app")).get("serveDeploymentStatuses")).get("Greeter")))
        .containsEntry("status", "UNHEALTHY")
        .containsEntry("message", "replica died")
        .doesNotContainKey("healthLastUpdateTime");
  }
}
