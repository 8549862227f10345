package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.junit.jupiter.api.Test;

/** The RayService's serve service of {@code BuildServeService} (common/service.go). */
class ServeServicesTest {

  /**
   * v1.1.0, v1.5.0 and v1.7.0 build the serve port as {@code corev1.ServicePort{Name: "serve",
   * Port: ...}}: no appProtocol (only the head service's ports get {@code
   * DefaultServiceAppProtocol} "tcp"); the API server defaults the protocol to TCP.
   */
  @Test
  void theServePortHasNoAppProtocol() {
    Service serve =
        ServeServices.build(
            RayServiceClustersTest.service(),
            "rayservice-sample-abcde",
            "ClusterIP",
            8000,
            new OwnerReferenceBuilder().withName("rayservice-sample").build());

    assertThat(serve.getMetadata().getName()).isEqualTo("rayservice-sample-serve-svc");
    assertThat(serve.getMetadata().getLabels())
        .containsEntry("ray.io/serve", "rayservice-sample-serve")
        .containsEntry("ray.io/originated-from-crd", "RayService")
        .containsEntry("ray.io/originated-from-cr-name", "rayservice-sample");
    assertThat(serve.getSpec().getSelector())
        .containsEntry("ray.io/cluster", "rayservice-sample-abcde")
        .containsEntry("ray.io/serve", "true");
    assertThat(serve.getSpec().getPorts()).hasSize(1);
    ServicePort port = serve.getSpec().getPorts().get(0);
    assertThat(port.getName()).isEqualTo("serve");
    assertThat(port.getPort()).isEqualTo(8000);
    assertThat(port.getProtocol()).isEqualTo("TCP");
    assertThat(port.getAppProtocol()).isNull();
  }
}
