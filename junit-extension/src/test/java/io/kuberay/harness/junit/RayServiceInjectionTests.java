package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.Waits;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import io.kuberay.harness.rayservice.RayServices;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link RayServices} is injected for the test's namespace; without Ray the RayService gets its
 * cluster but never serves.
 */
@KubeRayTest(kuberayVersion = "v1.5.0", ray = "off")
@DisplayName("@KubeRayTest RayServices injection")
class RayServiceInjectionTests {

  @Test
  @DisplayName(
      "RayServices creates in the test's namespace, and the operator makes the RayService's cluster there")
  void injected(RayServices services, @KubeRayNamespace String namespace) {
    RayServiceHandle service =
        services.create(
            RayServiceSpec.fromYaml(
                String.join(
                    "\n",
                    "apiVersion: ray.io/v1",
                    "kind: RayService",
                    "metadata: {name: injected}",
                    "spec:",
                    "  serveConfigV2: 'applications: []'",
                    "  rayClusterConfig:",
                    "    headGroupSpec:",
                    "      rayStartParams: {}",
                    "      template:",
                    "        spec:",
                    "          containers:",
                    "          - name: ray-head",
                    "            image: rayproject/ray:2.52.0",
                    "            ports: [{containerPort: 8000, name: serve}]")));
    assertThat(service.namespace()).isEqualTo(namespace);
    Waits.until(
        service.toString(),
        "a pending cluster",
        Duration.ofSeconds(30),
        service::clusterNames,
        n -> !n.isEmpty(),
        String::valueOf,
        null);
    assertThat(service.clusterNames())
        .singleElement()
        .satisfies(n -> assertThat(n).matches("injected-[a-z0-9]{5}"));
  }
}
