package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
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
}
