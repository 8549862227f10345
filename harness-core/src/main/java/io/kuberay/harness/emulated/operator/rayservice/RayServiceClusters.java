package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RayCluster a RayService runs on ({@code constructRayClusterForRayService}): the service's
 * labels plus the originated-from pair, its annotations plus the spec hash without replicas and
 * workersToDelete, the number of worker groups and (v1.2.0+) the operator's version, owned by the
 * RayService. The hash decides between "nothing to do", "update in place" (worker groups appended)
 * and "roll out a new cluster".
 */
final class RayServiceClusters {

  static final String HASH_ANNOTATION = "ray.io/hash-without-replicas-and-workers-to-delete";
  static final String NUM_WORKER_GROUPS_ANNOTATION = "ray.io/num-worker-groups";
  static final String KUBERAY_VERSION_ANNOTATION = "ray.io/kuberay-version";

  private RayServiceClusters() {}

  static GenericKubernetesResource build(
      KubeRayVersion version, RayServiceView service, String name, OwnerReference owner) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (service.resource().getMetadata().getLabels() != null) {
      labels.putAll(service.resource().getMetadata().getLabels());
    }
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, service.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayService");
    Map<String, String> annotations = new LinkedHashMap<>();
    if (service.resource().getMetadata().getAnnotations() != null) {
      annotations.putAll(service.resource().getMetadata().getAnnotations());
    }
    annotations.put(HASH_ANNOTATION, hash(version, service.clusterSpec()));
    annotations.put(
        NUM_WORKER_GROUPS_ANNOTATION,
        String.valueOf(Maps.list(service.clusterSpec().get("workerGroupSpecs")).size()));
    if (version.isAtLeast(KubeRayVersion.V1_5_0)) {
      // constructRayClusterForRayService stamps utils.KUBERAY_VERSION since v1.2.0 (v1.1.0 does
      // not).
      annotations.put(KUBERAY_VERSION_ANNOTATION, version.toString());
    }
    GenericKubernetesResource cluster = new GenericKubernetesResource();
    cluster.setApiVersion("ray.io/v1");
    cluster.setKind("RayCluster");
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(service.namespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owner)
            .build());
    cluster.getAdditionalProperties().put("spec", Json.copy(service.clusterSpec()));
    return cluster;
  }

  /**
   * SHA-1 (base32, as the operator's GenerateJsonHash) of the spec without the fields that do not
   * call for a new cluster, per release ({@code generateHashWithoutReplicasAndWorkersToDelete}):
   * v1.1.0 mutes the worker groups' replicas and workersToDelete only; v1.5.0 also their min and
   * max replicas; v1.7.0 ({@code utils.GenerateHashWithoutReplicasAndWorkersToDelete} of {@code
   * rayClusterSpecForHashing}) also the cluster's suspend and upgradeStrategy and every pod
   * template's tolerations and schedulingGates, which Kueue and the like inject.
   */
  static String hash(KubeRayVersion version, Map<String, Object> clusterSpec) {
    boolean v15 = version.isAtLeast(KubeRayVersion.V1_5_0);
    boolean v17 = version.isAtLeast(KubeRayVersion.V1_7_0);
    Map<String, Object> spec = new LinkedHashMap<>(Json.toMap(clusterSpec));
    if (v17) {
      spec.remove("suspend");
      spec.remove("upgradeStrategy");
      if (spec.get("headGroupSpec") != null) {
        spec.put("headGroupSpec", withoutSchedulingInjections(Maps.map(spec.get("headGroupSpec"))));
      }
    }
    List<Object> groups = new ArrayList<>();
    for (Object g : Maps.list(spec.get("workerGroupSpecs"))) {
      Map<String, Object> group = new LinkedHashMap<>(Maps.map(g));
      group.remove("replicas");
      if (v15) {
        group.remove("minReplicas");
        group.remove("maxReplicas");
      }
      if (v17) {
        group = withoutSchedulingInjections(group);
      }
      Map<String, Object> scale = new LinkedHashMap<>(Maps.map(group.get("scaleStrategy")));
      scale.remove("workersToDelete");
      group.put("scaleStrategy", scale);
      groups.add(group);
    }
    spec.put("workerGroupSpecs", groups);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest(Json.write(sorted(spec)).getBytes(StandardCharsets.UTF_8));
      return base32(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The group with its pod template's tolerations and schedulingGates muted. */
  private static Map<String, Object> withoutSchedulingInjections(Map<String, Object> group) {
    Map<String, Object> copy = new LinkedHashMap<>(group);
    if (copy.get("template") == null) {
      return copy;
    }
    Map<String, Object> template = new LinkedHashMap<>(Maps.map(copy.get("template")));
    if (template.get("spec") != null) {
      Map<String, Object> podSpec = new LinkedHashMap<>(Maps.map(template.get("spec")));
      podSpec.remove("tolerations");
      podSpec.remove("schedulingGates");
      template.put("spec", podSpec);
    }
    copy.put("template", template);
    return copy;
  }

  static String annotatedHash(GenericKubernetesResource cluster) {
    Map<String, String> a = cluster.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(HASH_ANNOTATION, "");
  }

  /**
   * Whether the goal equals the cluster except for worker groups appended at the end: the operator
   * updates in place.
   */
  static boolean onlyWorkerGroupsAdded(
      KubeRayVersion version, Map<String, Object> goalSpec, GenericKubernetesResource cluster) {
    int existing;
    try {
      existing =
          Integer.parseInt(
              cluster
                  .getMetadata()
                  .getAnnotations()
                  .getOrDefault(NUM_WORKER_GROUPS_ANNOTATION, "-1"));
    } catch (RuntimeException e) {
      return false;
    }
    List<Object> groups = Maps.list(goalSpec.get("workerGroupSpecs"));
    if (existing < 0 || groups.size() <= existing) {
      return false;
    }
    Map<String, Object> truncated = new LinkedHashMap<>(goalSpec);
    truncated.put("workerGroupSpecs", new ArrayList<>(groups.subList(0, existing)));
    return hash(version, truncated).equals(annotatedHash(cluster));
  }

  @SuppressWarnings("unchecked")
  private static Object sorted(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> t = new TreeMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> t.put(k, sorted(v)));
      return t;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(RayServiceClusters::sorted).toList();
    }
    return o;
  }

  private static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }
}
