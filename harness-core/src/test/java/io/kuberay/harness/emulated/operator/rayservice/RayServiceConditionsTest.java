package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * v1.5.0+'s serviceStatus: Running when Ready, else no field at all (rayv1.NotRunning is the empty
 * string and the field omitempty), so kubectl get rayservice shows an empty SERVICE STATUS.
 */
class RayServiceConditionsTest {

  @Test
  void aRayServiceThatIsNotReadyHasNoServiceStatus() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("serviceStatus", "Running");

    RayServiceConditions.apply(status);

    assertThat(status).doesNotContainKey("serviceStatus");
  }

  @Test
  void aRayServiceWithServeEndpointsIsRunning() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("numServeEndpoints", 1);

    RayServiceConditions.apply(status);

    assertThat(status).containsEntry("serviceStatus", "Running");
  }

  private static List<Map<String, Object>> conditions(Map<String, Object> status) {
    return Maps.list(status.get("conditions")).stream().map(Maps::map).toList();
  }

  /**
   * v1.5.0/v1.7.0 setCondition: {@code ObservedGeneration:
   * rayServiceInstance.Status.ObservedGeneration}, which calculateStatus set to
   * metadata.generation; meta.SetStatusCondition updates it, not the transition time, on a
   * condition set again with the same status. A condition not set again keeps its generation.
   */
  @Test
  void everyConditionSetCarriesTheObservedGeneration() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", 1L);

    RayServiceConditions.apply(status);

    assertThat(conditions(status))
        .extracting(c -> c.get("type"), c -> c.get("observedGeneration"))
        .containsExactlyInAnyOrder(tuple("Ready", 1L), tuple("UpgradeInProgress", 1L));

    // Generation 2, still initializing: calculateConditions sets neither condition.
    status.put("observedGeneration", 2L);
    RayServiceConditions.apply(status);
    assertThat(conditions(status))
        .allSatisfy(c -> assertThat(c).containsEntry("observedGeneration", 1L));

    // Serving: both set again. UpgradeInProgress stays False, so its transition time stays.
    Object transition = conditions(status).get(1).get("lastTransitionTime");
    status.put("numServeEndpoints", 1);
    status.put("activeServiceStatus", Map.of("rayClusterName", "rayservice-sample-abcde"));
    RayServiceConditions.apply(status);
    assertThat(conditions(status))
        .allSatisfy(c -> assertThat(c).containsEntry("observedGeneration", 2L));
    assertThat(conditions(status).get(1))
        .containsEntry("type", "UpgradeInProgress")
        .containsEntry("reason", "NoPendingCluster")
        .containsEntry("lastTransitionTime", transition);
  }

  /** metav1.Condition's observedGeneration is omitempty. */
  @Test
  void noObservedGenerationNoField() {
    Map<String, Object> status = new LinkedHashMap<>();

    RayServiceConditions.apply(status);

    assertThat(conditions(status))
        .allSatisfy(c -> assertThat(c).doesNotContainKey("observedGeneration"));
  }

  /**
   * v1.7.0 fails validation before calculateStatus: the condition takes the generation stored
   * before, none for a RayService never observed.
   */
  @Test
  void validationFailedTakesTheStoredGeneration() {
    Map<String, Object> fresh = new LinkedHashMap<>();
    RayServiceConditions.validationFailed(fresh, "bad");
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("observedGeneration", 3);
    RayServiceConditions.validationFailed(observed, "bad");

    assertThat(conditions(fresh).get(0)).doesNotContainKey("observedGeneration");
    assertThat(conditions(observed).get(0)).containsEntry("observedGeneration", 3L);
  }
}
