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
        .orElse(flavor.generatedServiceName(cluster.name() + "-head-svc"));
  }

  /**
   * The operator's {@code utils.CheckName}: a name over 50 characters loses its first characters
   * down to 50, and one that then starts with a digit or punctuation gets an {@code r} instead. The
   * labels keep the full cluster name.
   */
  static String checkName(String name) {
    return RayAuthToken.checkName(name);
  }

  /**
   * The RayCluster's own head service ({@code reconcileHeadService}): the head template's {@code
   * app.kubernetes.io/name} label, when set, replaces KubeRay's in the selector and labels (the
   * head pod carries the user's value too), and {@code headServiceAnnotations} are added.
   */
  public Service build(RayClusterView cluster) {
    Map<String, String> overrides = new LinkedHashMap<>();
    ObjectMeta template = cluster.headTemplate().getMetadata();
    if (template != null && template.getLabels() != null) {
      String app = template.getLabels().get(Labels.APP_NAME);
      if (app != null) {
        overrides.put(Labels.APP_NAME, app);
      }
    }
    return build(cluster, overrides, cluster.headServiceAnnotations());
  }

  /**
   * A RayService's {@code <rayservice>-head-svc} ({@code BuildHeadServiceForRayService}): built
   * from {@code cluster} without label overrides or {@code headServiceAnnotations}, then renamed
   * and its labels replaced by the RayService's four. The caller sets the owner.
   */
  public Service buildForRayService(RayClusterView cluster, String rayService, String namespace) {
    Service service = build(cluster, Map.of(), Map.of());
    service.getMetadata().setName(flavor.generatedServiceName(rayService + "-head-svc"));
    service.getMetadata().setNamespace(namespace);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, rayService);
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayService");
    labels.put(Labels.NODE_TYPE, "head");
    labels.put(Labels.IDENTIFIER, rayService + "-head");
    service.getMetadata().setLabels(labels);
    service.getMetadata().setOwnerReferences(new ArrayList<>());
    return service;
  }

  /**
   * {@code BuildServiceForHeadPod(cluster, labels, annotations)}: the selector has KubeRay's five
   * head labels, each replaced by the value {@code labels} gives for it; the labels are the
   * selector's.
   */
  private Service build(
      RayClusterView cluster, Map<String, String> labels, Map<String, String> annotations) {
    Map<String, String> selector = Labels.headService(cluster.name());
    selector.replaceAll((k, v) -> labels.getOrDefault(k, v));
    Optional<Service> custom = cluster.headServiceTemplate();
    if (custom.isPresent()) {
      return custom(cluster, custom.get(), selector, annotations);
    }
    String type = cluster.serviceType().filter(t -> !t.isBlank()).orElse("ClusterIP");
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name(cluster, flavor))
            .withNamespace(cluster.namespace())
            .withLabels(new LinkedHashMap<>(selector))
            .withAnnotations(new LinkedHashMap<>(annotations))
            .withOwnerReferences(PodFactory.owner(cluster))
            .endMetadata()
            .withNewSpec()
            .withType(type)
            .withSelector(selector)
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
  private Service custom(
      RayClusterView cluster,
      Service template,
      Map<String, String> selector,
      Map<String, String> kubeRayAnnotations) {
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
    annotations.putAll(kubeRayAnnotations);
    Map<String, String> labels = new LinkedHashMap<>();
    if (service.getMetadata().getLabels() != null) {
      labels.putAll(service.getMetadata().getLabels());
    }
    labels.putAll(selector);
    service.getMetadata().setAnnotations(annotations);
    service.getMetadata().setLabels(labels);
    service.getMetadata().setName(name(cluster, flavor));
    service.getMetadata().setNamespace(cluster.namespace());
    service.getMetadata().setOwnerReferences(List.of(PodFactory.owner(cluster)));
    service.getSpec().setSelector(new LinkedHashMap<>(selector));
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

  /**
   * {@code getServicePorts}: the Ray container's ports by name (an unnamed one as {@code
   * <port>-port}, a repeated name keeps its last port), or KubeRay's defaults when it has none, and
   * {@code metrics} 8080 unless named; sorted by name.
   */
  public static Map<String, Integer> servicePorts(RayClusterView cluster, OperatorFlavor flavor) {
    Container ray = cluster.headTemplate().getSpec().getContainers().get(0);
    Map<String, Integer> named = new TreeMap<>();
    if (ray.getPorts() != null) {
      for (ContainerPort p : ray.getPorts()) {
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
      named.put("serve", 8000);
    }
    named.putIfAbsent("metrics", 8080);
    return named;
  }

  private List<ServicePort> ports(RayClusterView cluster) {
    Map<String, Integer> named = servicePorts(cluster, flavor);
    List<ServicePort> ports = new ArrayList<>();
    // Sorted by name, each with appProtocol tcp (KubeRay since PR #1056). KubeRay appends the
    // defaults to a custom service's ports in Go map order, which varies from run to run; sorted
    // here to stay reproducible.
    named.forEach(
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
