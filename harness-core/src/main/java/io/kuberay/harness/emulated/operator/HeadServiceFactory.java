package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.emulated.support.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the head service ({@code BuildServiceForHeadPod}) for the selected release. */
final class HeadServiceFactory {

  private final OperatorFlavor flavor;

  HeadServiceFactory(OperatorFlavor flavor) {
    this.flavor = flavor;
  }

  /** {@code headGroupSpec.headService.metadata.name}, or {@code <cluster>-head-svc}. */
  static String name(RayClusterView cluster) {
    return cluster
        .headServiceTemplate()
        .map(s -> s.getMetadata() == null ? null : s.getMetadata().getName())
        .filter(n -> n != null && !n.isBlank())
        .orElse(cluster.name() + "-head-svc");
  }

  Service build(RayClusterView cluster) {
    Service template = cluster.headServiceTemplate().orElseGet(Service::new);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>(cluster.headServiceAnnotations());
    if (template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
    }
    labels.putAll(Labels.headService(cluster.name()));
    String type = cluster.serviceType().filter(t -> !t.isBlank()).orElse("ClusterIP");
    if (template.getSpec() != null && template.getSpec().getType() != null) {
      type = template.getSpec().getType();
    }
    ServiceBuilder builder =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name(cluster))
            .withNamespace(cluster.namespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(PodFactory.owner(cluster))
            .endMetadata()
            .withNewSpec()
            .withType(type)
            .withSelector(Labels.headService(cluster.name()))
            .withPorts(ports(cluster))
            .endSpec();
    Service service = builder.build();
    if ("ClusterIP".equals(type) && flavor.headlessHeadService()) {
      service.getSpec().setClusterIP("None");
      service.getSpec().setPublishNotReadyAddresses(true);
    }
    return service;
  }

  private List<ServicePort> ports(RayClusterView cluster) {
    Container ray = cluster.headTemplate().getSpec().getContainers().get(0);
    Map<String, Integer> named = new LinkedHashMap<>();
    if (ray.getPorts() != null) {
      for (ContainerPort p : ray.getPorts()) {
        if (p.getName() != null) {
          named.put(p.getName(), p.getContainerPort());
        }
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
    // Sorted by name, each with appProtocol tcp (KubeRay since PR #1056).
    new java.util.TreeMap<>(named).forEach(
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
