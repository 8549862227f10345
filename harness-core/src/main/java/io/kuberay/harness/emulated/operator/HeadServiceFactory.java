package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.ray.RayAuthToken;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Builds the head service ({@code BuildServiceForHeadPod}) for the selected release. */
public final class HeadServiceFactory {

  private final OperatorFlavor flavor;

  public HeadServiceFactory(OperatorFlavor flavor) {
    this.flavor = flavor;
  }

  /**
   * {@code headGroupSpec.headService.metadata.name}, or {@code <cluster>-head-svc}: shortened by
   * {@link #checkName} before v1.5.0, as is (names over 53 characters are refused) from v1.5.0.
   */
  static String name(RayClusterView cluster, OperatorFlavor flavor) {
    return cluster
        .headServiceTemplate()
        .map(s -> s.getMetadata() == null ? null : s.getMetadata().getName())
        .filter(n -> n != null && !n.isBlank())
        .orElse(
            flavor.validatesClusters()
                ? cluster.name() + "-head-svc"
                : checkName(cluster.name() + "-head-svc"));
  }

  /**
   * The operator's {@code utils.CheckName}: a name over 50 characters loses its first characters
   * down to 50, and one that then starts with a digit or punctuation gets an {@code r} instead. The
   * labels keep the full cluster name.
   */
  static String checkName(String name) {
    return RayAuthToken.checkName(name);
  }

  public Service build(RayClusterView cluster) {
    Optional<Service> custom = cluster.headServiceTemplate();
    if (custom.isPresent()) {
      return custom(cluster, custom.get());
    }
    String type = cluster.serviceType().filter(t -> !t.isBlank()).orElse("ClusterIP");
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name(cluster, flavor))
            .withNamespace(cluster.namespace())
            .withLabels(Labels.headService(cluster.name()))
            .withAnnotations(new LinkedHashMap<>(cluster.headServiceAnnotations()))
            .withOwnerReferences(PodFactory.owner(cluster))
            .endMetadata()
            .withNewSpec()
            .withType(type)
            .withSelector(Labels.headService(cluster.name()))
            .withPorts(ports(cluster))
            .endSpec()
            .build();
    if ("ClusterIP".equals(type) && flavor.headlessHeadService()) {
      service.getSpec().setClusterIP("None");
      service.getSpec().setPublishNotReadyAddresses(true);
    }
    return service;
  }

  /**
   * {@code headGroupSpec.headService}: the user's Service with KubeRay's selector, labels and
   * annotations merged over it and the default ports appended to the user's. KubeRay returns here,
   * before its headless logic.
   */
  private Service custom(RayClusterView cluster, Service template) {
    Service service = Json.copy(template);
    if (service.getMetadata() == null) {
      service.setMetadata(new ObjectMeta());
    }
    if (service.getSpec() == null) {
      service.setSpec(new ServiceSpec());
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (service.getMetadata().getAnnotations() != null) {
      annotations.putAll(service.getMetadata().getAnnotations());
    }
    annotations.putAll(cluster.headServiceAnnotations());
    Map<String, String> labels = new LinkedHashMap<>();
    if (service.getMetadata().getLabels() != null) {
      labels.putAll(service.getMetadata().getLabels());
    }
    labels.putAll(Labels.headService(cluster.name()));
    service.getMetadata().setAnnotations(annotations);
    service.getMetadata().setLabels(labels);
    service.getMetadata().setName(name(cluster, flavor));
    service.getMetadata().setNamespace(cluster.namespace());
    service.getMetadata().setOwnerReferences(List.of(PodFactory.owner(cluster)));
    service.getSpec().setSelector(Labels.headService(cluster.name()));
    List<ServicePort> ports = new ArrayList<>();
    if (service.getSpec().getPorts() != null) {
      for (ServicePort p : service.getSpec().getPorts()) {
        // The API server's default for a port's protocol.
        ports.add(
            p.getProtocol() == null ? new ServicePortBuilder(p).withProtocol("TCP").build() : p);
      }
    }
    ports.addAll(ports(cluster));
    service.getSpec().setPorts(ports);
    String type = service.getSpec().getType();
    if (type == null || type.isBlank()) {
      service
          .getSpec()
          .setType(cluster.serviceType().filter(t -> !t.isBlank()).orElse("ClusterIP"));
    }
    return service;
  }

  private List<ServicePort> ports(RayClusterView cluster) {
    Container ray = cluster.headTemplate().getSpec().getContainers().get(0);
    Map<String, Integer> named = new LinkedHashMap<>();
    if (ray.getPorts() != null) {
      for (ContainerPort p : ray.getPorts()) {
        // An unnamed container port is published as "<port>-port" (getPortsFromCluster).
        String portName =
            p.getName() == null || p.getName().isEmpty()
                ? p.getContainerPort() + "-port"
                : p.getName();
        named.put(portName, p.getContainerPort());
      }
    }
    if (named.isEmpty()) {
      named.put("client", 10001);
      named.put(flavor.gcsPortName(), 6379);
      named.put("dashboard", 8265);
      named.put("metrics", 8080);
      named.put("serve", 8000);
    } else {
      named.putIfAbsent("metrics", 8080);
    }
    List<ServicePort> ports = new ArrayList<>();
    // Sorted by name, each with appProtocol tcp (KubeRay since PR #1056). KubeRay appends the
    // defaults to a
    // custom service's ports in Go map order, which varies from run to run; sorted here to stay
    // reproducible.
    new TreeMap<>(named)
        .forEach(
            (name, port) ->
                ports.add(
                    new ServicePortBuilder()
                        .withName(name)
                        .withPort(port)
                        .withProtocol("TCP")
                        .withAppProtocol("tcp")
                        .build()));
    return ports;
  }
}
