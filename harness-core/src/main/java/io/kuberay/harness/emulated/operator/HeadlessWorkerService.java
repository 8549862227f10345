package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kuberay.harness.emulated.support.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headless service a cluster with multi-host worker groups ({@code numOfHosts} > 1) gets for
 * peer communication between the hosts of a replica ({@code BuildHeadlessServiceForRayCluster}).
 */
final class HeadlessWorkerService {

  static final String LABEL = "ray.io/headless-worker-svc";

  private HeadlessWorkerService() {}

  static String name(RayClusterView cluster) {
    return cluster.name() + "-headless";
  }

  static Service build(OperatorFlavor flavor, RayClusterView cluster) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.CLUSTER, cluster.name());
    selector.put(Labels.NODE_TYPE, "worker");
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name(cluster))
            .withNamespace(cluster.namespace())
            .withLabels(Map.of(LABEL, cluster.name()))
            .withOwnerReferences(PodFactory.owner(cluster))
            .endMetadata()
            .withNewSpec()
            .withClusterIP("None")
            .withSelector(selector)
            .withType("ClusterIP")
            .endSpec()
            .build();
    if (flavor.headlessWorkerServicePublishesNotReady()) {
      // Multi-host peers must find each other before their Ray nodes are ready.
      service.getSpec().setPublishNotReadyAddresses(true);
    }
    return service;
  }
}
