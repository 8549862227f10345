package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KubeRay v1.7.0's rayservice_controller_unit_test.go
 * TestHandleSuspendResumeResetsReadyToInitializing and TestHandleSuspendObservedGeneration against
 * {@link RayServiceSuspend#handle} (the steps that delete nothing; the deletion is {@code
 * RayServiceLifecycleTest}'s).
 */
class RayServiceSuspendTest {

  private static final RayServiceSuspend SUSPEND = new RayServiceSuspend(null, null);

  private static RayServiceView service(long generation, boolean suspend) {
    return new RayServiceView(
        Serialization.unmarshal(
            "apiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: rayservice\n"
                + "  namespace: default\n  generation: "
                + generation
                + "\nspec:\n  suspend: "
                + suspend
                + "\n",
            GenericKubernetesResource.class));
  }

  private static Map<String, Object> condition(String type, String status, String reason) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", "");
    c.put("lastTransitionTime", "2020-01-01T00:00:00Z");
    return c;
  }

  private static Map<String, Object> find(Map<String, Object> status, String type) {
    return Maps.list(status.get("conditions")).stream()
        .map(Maps::map)
        .filter(c -> type.equals(c.get("type")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status));
  }

  @Test
  void resumeResetsReadyAndUpgradeInProgressToInitializingWithAFreshTransitionTime() {
    List<Object> conditions = new ArrayList<>();
    for (String type :
        List.of("Suspended", "Suspending", "Ready", "UpgradeInProgress", "RollbackInProgress")) {
      conditions.add(
          condition(type, type.equals("Suspended") ? "True" : "False", "SuspendComplete"));
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("conditions", conditions);

    assertThat(SUSPEND.handle(service(3, false), status)).isEqualTo(RayServiceSuspend.Step.RESUMED);

    Instant now = Instant.now();
    for (String type : List.of("Ready", "UpgradeInProgress")) {
      assertThat(find(status, type))
          .containsEntry("status", "False")
          .containsEntry("reason", "Initializing")
          .containsEntry("message", "RayService is initializing after resuming from suspend.")
          .hasEntrySatisfying(
              "lastTransitionTime",
              t ->
                  assertThat(Instant.parse(String.valueOf(t)))
                      .isBetween(
                          now.minus(Duration.ofSeconds(5)), now.truncatedTo(ChronoUnit.SECONDS)));
    }
    assertThat(find(status, "Suspended"))
        .containsEntry("status", "False")
        .containsEntry("reason", "RayServiceResumed")
        .containsEntry("message", "Spec.Suspend is false; RayService has resumed.")
        .containsEntry("observedGeneration", 3L);
    assertThat(status).containsEntry("observedGeneration", 3L);
    // Not operative any more: the reconcile goes on and prepares a cluster.
    assertThat(RayServiceConditions.suspendIsOperative(status)).isFalse();
  }

  @Test
  void enteringSuspendingBumpsObservedGenerationAndResetsTheServiceStatuses() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", 2L);
    status.put("serviceStatus", "Running");
    status.put("numServeEndpoints", 1);
    status.put("activeServiceStatus", Map.of("rayClusterName", "svc-abcde"));

    assertThat(SUSPEND.handle(service(5, true), status)).isEqualTo(RayServiceSuspend.Step.REQUEUE);

    assertThat(status).containsEntry("observedGeneration", 5L);
    assertThat(find(status, "Suspending"))
        .containsEntry("status", "True")
        .containsEntry("reason", "SuspendRequested")
        .containsEntry(
            "message",
            "Spec.Suspend is true; will delete all Kubernetes resources owned by this RayService.")
        .containsEntry("observedGeneration", 5L);
    assertThat(find(status, "Ready"))
        .containsEntry("reason", "SuspendInProgress")
        .containsEntry("message", "RayService is suspending.");
    assertThat(find(status, "UpgradeInProgress"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendInProgress");
    assertThat(find(status, "RollbackInProgress"))
        .containsEntry("status", "False")
        .containsEntry("reason", "SuspendInProgress")
        .containsEntry("message", "No rollback in progress.");
    assertThat(status)
        .doesNotContainKey("serviceStatus")
        .containsEntry("numServeEndpoints", 0)
        .containsEntry("activeServiceStatus", Map.of())
        .containsEntry("pendingServiceStatus", Map.of());
    assertThat(RayServiceConditions.suspendIsOperative(status)).isTrue();
  }

  @Test
  void idleSuspendedDoesNotBumpObservedGeneration() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", 4L);
    status.put("conditions", List.of(condition("Suspended", "True", "SuspendComplete")));
    Map<String, Object> before = new LinkedHashMap<>(status);

    assertThat(SUSPEND.handle(service(9, true), status)).isEqualTo(RayServiceSuspend.Step.STOP);

    assertThat(status).isEqualTo(before);
  }

  @Test
  void noSuspendNoChange() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", 4L);
    Map<String, Object> before = new LinkedHashMap<>(status);

    assertThat(SUSPEND.handle(service(9, false), status))
        .isEqualTo(RayServiceSuspend.Step.CONTINUE);

    assertThat(status).isEqualTo(before);
  }
}
