package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's zero {@code RayServiceStatus} (rayservice_types.go): {@code rayClusterStatus} is a struct,
 * which {@code omitempty} does not omit, and its {@code resource.Quantity} fields marshal as "0";
 * {@code head} is a struct too. So real KubeRay writes {@code pendingServiceStatus:
 * {rayClusterStatus: {desiredCPU: "0", desiredGPU: "0", desiredMemory: "0", desiredTPU: "0", head:
 * {}}}} where there is no pending cluster.
 */
class ZeroStatusTest {

  private static final Map<String, Object> ZERO_CLUSTER_STATUS =
      Map.of(
          "desiredCPU", "0",
          "desiredMemory", "0",
          "desiredGPU", "0",
          "desiredTPU", "0",
          "head", Map.of());

  @Test
  void anEmptyStatusGetsBothZeroServiceStatuses() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("pendingServiceStatus", new LinkedHashMap<>());

    ZeroStatus.fill(status);

    assertThat(status).containsOnlyKeys("activeServiceStatus", "pendingServiceStatus");
    for (String section : new String[] {"activeServiceStatus", "pendingServiceStatus"}) {
      assertThat(Maps.map(status.get(section))).containsOnlyKeys("rayClusterStatus");
      assertThat(Maps.map(Maps.map(status.get(section)).get("rayClusterStatus")))
          .containsExactlyInAnyOrderEntriesOf(ZERO_CLUSTER_STATUS);
    }
  }

  @Test
  void whatTheStatusHasStays() {
    Map<String, Object> active = new LinkedHashMap<>();
    active.put("rayClusterName", "rayservice-sample-abcde");
    active.put("applicationStatuses", Map.of("app", Map.of("status", "RUNNING")));
    active.put(
        "rayClusterStatus",
        Map.of("state", "ready", "desiredCPU", "2", "head", Map.of("podIP", "10.0.0.1")));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("activeServiceStatus", active);
    status.put("numServeEndpoints", 1);

    ZeroStatus.fill(status);

    Map<String, Object> filled = Maps.map(status.get("activeServiceStatus"));
    assertThat(filled)
        .containsEntry("rayClusterName", "rayservice-sample-abcde")
        .containsKey("applicationStatuses");
    assertThat(Maps.map(filled.get("rayClusterStatus")))
        .containsEntry("state", "ready")
        .containsEntry("desiredCPU", "2")
        .containsEntry("desiredMemory", "0")
        .containsEntry("desiredTPU", "0")
        .containsEntry("head", Map.of("podIP", "10.0.0.1"));
    assertThat(status).containsEntry("numServeEndpoints", 1);
  }
}
