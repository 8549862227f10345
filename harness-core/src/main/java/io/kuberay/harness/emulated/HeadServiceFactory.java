package io.kuberay.harness.emulated;

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

  /**
   * {@code headGroupSpec.headService.metadata.name}, or {@code <cluster>-head-svc}: shortened by {@link #checkName}
   * before v1.5.0, as is (names over 53 characters are refused) from v1.5.0.
   */
  static String name(RayClusterView cluster, OperatorFlavor flavor) {
    return cluster
        .headServiceTemplate()
        .map(s -> s.getMetadata() == null ? null : s.getMetadata().getName())
        .filter(n -> n != null && !n.isBlank())
        .orElse(flavor.validatesClusters() ? cluster.name() + "-head-svc" : checkName(cluster.name() + "-head-svc"));
  }

  /**
   * The operator's {@code utils.CheckName}: a name over 50 characters loses its first characters down to 50, and one
   * that then starts with a digit or punctuation gets an {@code r} instead. The labels keep the full cluster name.
   */
  static String checkName(String name) {
    String s = name.length() > 50 ? name.substring(name.length() - 50) : name;
    if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || isPunct(s.charAt(0)))) {
      s = "r" + s.substring(1);
    }
    return s;
  }

  private static boolean isPunct(char c) {
    int type = Character.getType(c);
    return type == Character.DASH_PUNCTUATION || type == Character.OTHER_PUNCTUATION || type == Character.CONNECTOR_PUNCTUATION
        || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION;
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
            .withName(name(cluster, flavor))
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
