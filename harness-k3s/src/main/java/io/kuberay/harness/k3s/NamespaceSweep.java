package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.Waits;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Puts a reused k3s cluster back as its first run found it: once KubeRay is installed, the
 * namespaces present are recorded in a ConfigMap; a later run deletes every other namespace (the
 * earlier runs' test namespaces, their pods without grace period) and the Ray objects left in the
 * recorded ones (e.g. {@code default}).
 */
final class NamespaceSweep {

  static final String NAMESPACE = "kube-system";
  static final String CONFIG_MAP = "kuberay-harness-reuse";
  private static final String KEY = "namespaces";

  /** Kept whatever the record says: Kubernetes' own. */
  private static final Set<String> SYSTEM =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private static final List<String> RAY_KINDS = List.of("RayJob", "RayService", "RayCluster");

  private final KubernetesClient client;

  NamespaceSweep(KubernetesClient client) {
    this.client = client;
  }

  /** The namespaces to delete: present, not recorded, not Kubernetes' own, not the operator's. */
  static Set<String> stale(
      Collection<String> present, Collection<String> recorded, String operatorNamespace) {
    return present.stream()
        .filter(n -> !SYSTEM.contains(n) && !recorded.contains(n) && !n.equals(operatorNamespace))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Records the namespaces present now as the ones a later run keeps. */
  void record() {
    record(present());
  }

  private void record(Collection<String> keep) {
    String names = String.join(",", keep);
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(CONFIG_MAP)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToData(KEY, names)
                .build())
        .serverSideApply();
  }

  /**
   * Deletes what earlier runs left; with {@code wait}, until those namespaces are gone (a run that
   * creates a namespace of the same name must not find it terminating). Returns their names.
   */
  Set<String> sweep(String operatorNamespace, Duration timeout, boolean wait) {
    ConfigMap record = client.configMaps().inNamespace(NAMESPACE).withName(CONFIG_MAP).get();
    List<String> recorded =
        record == null || record.getData() == null
            ? List.of()
            : Arrays.stream(record.getData().getOrDefault(KEY, "").split(","))
                .filter(s -> !s.isBlank())
                .toList();
    Set<String> stale = stale(present(), recorded, operatorNamespace);
    for (String namespace : stale) {
      client.pods().inNamespace(namespace).withGracePeriod(0).delete();
      client.namespaces().withName(namespace).delete();
    }
    for (String kind : RAY_KINDS) {
      try {
        client.genericKubernetesResources("ray.io/v1", kind).inAnyNamespace().delete();
      } catch (KubernetesClientException e) {
        // the CRD is absent: nothing of that kind to delete
      }
    }
    if (wait && !stale.isEmpty()) {
      Waits.until(
          "namespaces " + stale + " of an earlier run",
          "deleted",
          timeout,
          () -> present().stream().filter(stale::contains).toList(),
          List::isEmpty,
          left -> "still there: " + left,
          null);
    }
    if (record == null) {
      record(present().stream().filter(n -> !stale.contains(n)).toList());
    }
    return stale;
  }

  private List<String> present() {
    return client.namespaces().list().getItems().stream()
        .map(Namespace::getMetadata)
        .map(m -> m.getName())
        .sorted()
        .toList();
  }
}
