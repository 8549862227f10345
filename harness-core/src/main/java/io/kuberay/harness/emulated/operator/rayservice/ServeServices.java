package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.kuberay.harness.emulated.support.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A RayService's {@code <name>-serve-svc} ({@code BuildServeService(..., isRayService=true)},
 * common/service.go): the serving cluster's pods whose proxy is healthy, on the head's serve port.
 */
final class ServeServices {

  private ServeServices() {}

  static Service build(
      RayServiceView service, String cluster, String type, int port, OwnerReference owner) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, service.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayService");
    labels.put("ray.io/serve", service.name() + "-serve");
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.CLUSTER, cluster);
    selector.put("ray.io/serve", "true");
    return new ServiceBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(service.name() + "-serve-svc")
                .withNamespace(service.namespace())
                .withLabels(labels)
                .withOwnerReferences(owner)
                .build())
        .withNewSpec()
        .withType(type)
        .withSelector(selector)
        // corev1.ServicePort{Name, Port} only (v1.1.0 to v1.7.0): unlike the head service's ports
        // (BuildServiceForHeadPod's defaultAppProtocol "tcp"), no appProtocol; the API server
        // defaults the protocol to TCP.
        .withPorts(
            new ServicePortBuilder().withName("serve").withPort(port).withProtocol("TCP").build())
        .endSpec()
        .build();
  }
}
