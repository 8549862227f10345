package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kuberay.harness.emulated.operator.HeadServiceFactory;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.operator.RayClusterView;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A RayService's serve service ({@code BuildServeServiceForRayService}, common/service.go): the
 * serving cluster's pods whose proxy is healthy, on the cluster's serve ports, or the user's {@code
 * spec.serveService} with KubeRay's selector, labels, name and type merged in. The owner is set by
 * the caller when it creates the service.
 */
final class ServeServices {

  private ServeServices() {}

  /**
   * The service pointed at {@code cluster}; empty when the cluster's head has no serve port and the
   * RayService has no {@code serveService} (KubeRay's error, see {@link #missingPortMessage}).
   */
  static Optional<Service> build(
      OperatorFlavor flavor, RayServiceView service, GenericKubernetesResource cluster) {
    List<ServicePort> detected = detectedPorts(flavor, new RayClusterView(cluster));
    Optional<Service> template = service.serveServiceTemplate();
    if (detected.isEmpty() && template.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, service.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayService");
    labels.put(Labels.SERVE, service.name() + "-serve");
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.CLUSTER, cluster.getMetadata().getName());
    selector.put(Labels.SERVE, "true");
    String type = service.serviceType().orElse("ClusterIP");
    if (template.isEmpty()) {
      return Optional.of(
          new ServiceBuilder()
              .withNewMetadata()
              .withName(defaultName(flavor, service))
              .withNamespace(service.namespace())
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .withType(type)
              .withSelector(selector)
              .withPorts(detected)
              .endSpec()
              .build());
    }
    Service custom = template.get();
    ObjectMeta metadata = custom.getMetadata() == null ? new ObjectMeta() : custom.getMetadata();
    ServiceSpec spec = custom.getSpec() == null ? new ServiceSpec() : custom.getSpec();
    custom.setMetadata(metadata);
    custom.setSpec(spec);
    // The user's selector is ignored; the user's labels stay, KubeRay's win on a clash.
    spec.setSelector(selector);
    spec.setPorts(mergedPorts(flavor, detected, spec.getPorts()));
    if (spec.getType() == null || spec.getType().isBlank()) {
      spec.setType(type);
    }
    Map<String, String> merged = new LinkedHashMap<>();
    if (metadata.getLabels() != null) {
      merged.putAll(metadata.getLabels());
    }
    merged.putAll(labels);
    metadata.setLabels(merged);
    if (metadata.getName() == null || metadata.getName().isBlank()) {
      metadata.setName(defaultName(flavor, service));
    }
    metadata.setNamespace(service.namespace());
    return Optional.of(custom);
  }

  /**
   * Where the serve service is ({@code RayServiceServeServiceNamespacedName}): the user's {@code
   * serveService} name, else {@code <name>-serve-svc}.
   */
  static String name(OperatorFlavor flavor, RayServiceView service) {
    return service
        .serveServiceTemplate()
        .map(s -> s.getMetadata() == null ? null : s.getMetadata().getName())
        .filter(n -> !n.isBlank())
        .orElse(defaultName(flavor, service));
  }

  static String missingPortMessage(OperatorFlavor flavor) {
    return flavor.servesEveryServePort()
        ? "Please specify a port named 'serve' (or with the prefix 'serve-', e.g. 'serve-grpc') in the"
            + " Ray head container; otherwise, the Kubernetes service for Ray Serve will not be"
            + " created."
        : "Please specify the port named 'serve' in the Ray head container; otherwise, the"
            + " Kubernetes service for Ray Serve will not be created.";
  }

  private static String defaultName(OperatorFlavor flavor, RayServiceView service) {
    return flavor.generatedServiceName(service.name() + "-serve-svc");
  }

  /**
   * The head's service ports that serve: {@code serve} alone up to v1.5, also every {@code serve-*}
   * from v1.6.0 (which Go lists in map order, here by name). Each is {@code {name, port}} only: no
   * appProtocol (unlike the head service's "tcp"); the API server adds protocol and targetPort.
   */
  private static List<ServicePort> detectedPorts(OperatorFlavor flavor, RayClusterView cluster) {
    List<ServicePort> ports = new ArrayList<>();
    HeadServiceFactory.servicePorts(cluster, flavor)
        .forEach(
            (name, port) -> {
              if (name.equals("serve")
                  || flavor.servesEveryServePort() && name.startsWith("serve-")) {
                ports.add(new ServicePortBuilder().withName(name).withPort(port).build());
              }
            });
    return ports;
  }

  /**
   * The ports of a user's {@code serveService}. Up to v1.5: the detected ones, else the user's
   * first port named {@code serve} cut to its name and number (possibly none). From v1.6.0: each
   * detected port replaced by the user's port of that name, whole (its appProtocol, targetPort,
   * nodePort kept), else the user's ports as they are.
   */
  private static List<ServicePort> mergedPorts(
      OperatorFlavor flavor, List<ServicePort> detected, List<ServicePort> user) {
    List<ServicePort> given = user == null ? List.of() : user;
    if (!flavor.servesEveryServePort()) {
      if (!detected.isEmpty()) {
        return detected;
      }
      return new ArrayList<>(
          given.stream()
              .filter(p -> "serve".equals(p.getName()))
              .findFirst()
              .map(
                  p -> new ServicePortBuilder().withName(p.getName()).withPort(p.getPort()).build())
              .map(List::of)
              .orElse(List.of()));
    }
    if (detected.isEmpty()) {
      return user;
    }
    Map<String, ServicePort> byName = new LinkedHashMap<>();
    given.forEach(p -> byName.put(p.getName(), p));
    List<ServicePort> merged = new ArrayList<>();
    for (ServicePort auto : detected) {
      merged.add(byName.getOrDefault(auto.getName(), auto));
    }
    return merged;
  }
}
