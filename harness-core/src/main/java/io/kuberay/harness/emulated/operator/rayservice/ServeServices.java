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
import io.kuberay.harness.emulated.operator.serve.ServeServiceParts;
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
    Map<String, String> labels = ServeServiceParts.labels(service.name(), "RayService");
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
    return ServeServiceParts.missingPortMessage(flavor.servesEveryServePort());
  }

  private static String defaultName(OperatorFlavor flavor, RayServiceView service) {
    return flavor.generatedServiceName(service.name() + "-serve-svc");
  }

  private static List<ServicePort> detectedPorts(OperatorFlavor flavor, RayClusterView cluster) {
    return ServeServiceParts.servingPorts(
        HeadServiceFactory.servicePorts(cluster, flavor), flavor.servesEveryServePort());
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
