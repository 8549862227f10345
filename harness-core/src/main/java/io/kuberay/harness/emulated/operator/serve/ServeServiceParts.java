package io.kuberay.harness.emulated.operator.serve;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code BuildServeService}'s parts, per release: which head ports serve, the service's labels, the
 * error when none does, and the whole service of a RayCluster annotated {@code
 * ray.io/enable-serve-service: "true"} ({@code BuildServeServiceForRayCluster}).
 */
public final class ServeServiceParts {

  /** {@code utils.EnableServeServiceKey}: only its value {@code "true"} turns the service on. */
  public static final String ENABLE_ANNOTATION = "ray.io/enable-serve-service";

  private ServeServiceParts() {}

  /** Whether a RayCluster with these annotations gets its own serve service. */
  public static boolean enabled(Map<String, String> annotations) {
    return annotations != null && "true".equals(annotations.get(ENABLE_ANNOTATION));
  }

  /**
   * The head service's ports that serve: {@code serve} alone up to v1.5, also every {@code serve-*}
   * from v1.6.0 (which Go lists in map order, here in {@code headPorts}' order). Each is {@code
   * {name, port}} only: no appProtocol (unlike the head service's "tcp"); the API server adds
   * protocol and targetPort.
   *
   * @param headPorts {@code getServicePorts}: the head's service ports by name
   * @param everyServePort v1.6.0+'s {@code isServingPort}
   */
  public static List<ServicePort> servingPorts(
      Map<String, Integer> headPorts, boolean everyServePort) {
    List<ServicePort> ports = new ArrayList<>();
    headPorts.forEach(
        (name, port) -> {
          if (name.equals("serve") || everyServePort && name.startsWith("serve-")) {
            ports.add(new ServicePortBuilder().withName(name).withPort(port).build());
          }
        });
    return ports;
  }

  /** The serve service's labels: originated from {@code owner} of kind {@code crd}. */
  public static Map<String, String> labels(String owner, String crd) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, owner);
    labels.put(Labels.ORIGINATED_FROM_CRD, crd);
    labels.put(Labels.SERVE, owner + "-serve");
    return labels;
  }

  /** {@code BuildServeService}'s error when the head has no port that serves. */
  public static String missingPortMessage(boolean everyServePort) {
    return everyServePort
        ? "Please specify a port named 'serve' (or with the prefix 'serve-', e.g. 'serve-grpc') in the"
            + " Ray head container; otherwise, the Kubernetes service for Ray Serve will not be"
            + " created."
        : "Please specify the port named 'serve' in the Ray head container; otherwise, the"
            + " Kubernetes service for Ray Serve will not be created.";
  }

  /**
   * {@code BuildServeServiceForRayCluster}: {@code name} in the cluster's namespace, selecting
   * every pod of the cluster (no {@code ray.io/serve} selector, unlike a RayService's), of the head
   * group's {@code serviceType} (the API server's ClusterIP when unset); empty when no head port
   * serves. The caller sets the owner.
   */
  public static Optional<Service> forRayCluster(
      String cluster,
      String namespace,
      String name,
      Optional<String> serviceType,
      Map<String, Integer> headPorts,
      boolean everyServePort) {
    List<ServicePort> ports = servingPorts(headPorts, everyServePort);
    if (ports.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels(cluster, "RayCluster"))
            .endMetadata()
            .withNewSpec()
            .withType(serviceType.filter(t -> !t.isBlank()).orElse("ClusterIP"))
            .withSelector(new LinkedHashMap<>(Map.of(Labels.CLUSTER, cluster)))
            .withPorts(ports)
            .endSpec()
            .build());
  }
}
