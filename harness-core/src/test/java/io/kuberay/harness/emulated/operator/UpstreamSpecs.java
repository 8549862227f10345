package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the inputs of the cases carried over from KubeRay's own Go unit tests: RayClusters written
 * as YAML (as the API server stores them, with the CRD's defaults for min/maxReplicas) and the
 * operator flavour of a release.
 */
final class UpstreamSpecs {

  static final String UID = "0a1b2c3d-0000-4000-8000-000000000001";

  private UpstreamSpecs() {}

  static OperatorFlavor flavor(String version) {
    return new OperatorFlavor(KubeRayVersion.of(version));
  }

  /**
   * A RayCluster named {@code raycluster-sample} in namespace {@code default} with the given spec
   * (YAML, indented 2).
   */
  static RayClusterView cluster(String metadataExtra, String spec) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: raycluster-sample\n  namespace: default\n  uid: "
            + UID
            + "\n"
            + metadataExtra
            + "spec:\n"
            + spec;
    return new RayClusterView(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
  }

  static RayClusterView cluster(String spec) {
    return cluster("", spec);
  }

  /**
   * A head group with one Ray container, plus {@code extra} lines at headGroupSpec level (indent
   * 4).
   */
  static String head(String extra) {
    return "  headGroupSpec:\n"
        + extra
        + "    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n";
  }

  /**
   * One worker group {@code worker-group} (replicas 1, min 0, max 5), plus {@code extra} lines
   * (indent 4).
   */
  static String worker(String extra) {
    return "  workerGroupSpecs:\n  - groupName: worker-group\n    replicas: 1\n    minReplicas: 0\n    maxReplicas: 5\n"
        + extra
        + "    template:\n      spec:\n        containers:\n        - name: ray-worker\n          image: rayproject/ray:2.52.0\n";
  }

  /**
   * A CustomResourceDefinition for a ray.io/v1 kind with any schema (the in-memory API server then
   * stores its objects, and the garbage collector finds their owners): {@code RayCluster} → {@code
   * rayclusters.ray.io}.
   */
  static Map<String, Object> openCrd(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    String yaml =
        "apiVersion: apiextensions.k8s.io/v1\n"
            + "kind: CustomResourceDefinition\n"
            + "metadata: {name: "
            + lower
            + "s.ray.io}\n"
            + "spec:\n"
            + "  group: ray.io\n"
            + "  names: {kind: "
            + kind
            + ", listKind: "
            + kind
            + "List, plural: "
            + lower
            + "s, singular: "
            + lower
            + "}\n"
            + "  scope: Namespaced\n"
            + "  versions:\n"
            + "  - name: v1\n"
            + "    served: true\n"
            + "    storage: true\n"
            + "    subresources: {status: {}}\n"
            + "    schema:\n"
            + "      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n";
    @SuppressWarnings("unchecked")
    Map<String, Object> crd = Serialization.unmarshal(yaml, Map.class);
    return crd;
  }

  /**
   * Plays the RayCluster controller: every RayCluster of {@code default} without a state is ready.
   */
  static void readyClusters(KubernetesClient client) {
    for (GenericKubernetesResource cluster :
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace("default")
            .list()
            .getItems()) {
      if (cluster.getAdditionalProperties().get("status") == null) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", "ready");
        cluster.getAdditionalProperties().put("status", status);
        try {
          client
              .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
              .inNamespace("default")
              .resource(cluster)
              .updateStatus();
        } catch (RuntimeException e) {
          // changed or deleted meanwhile: the next poll looks again
        }
      }
    }
  }

  /** Plays the kubelet: every pod of {@code default} is running and ready. */
  static void podsRunningAndReady(KubernetesClient client) {
    for (Pod pod : client.pods().inNamespace("default").list().getItems()) {
      if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
        continue;
      }
      pod.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .build());
      try {
        client.pods().inNamespace("default").resource(pod).updateStatus();
      } catch (RuntimeException e) {
        // changed or deleted meanwhile: the next poll looks again
      }
    }
  }
}
