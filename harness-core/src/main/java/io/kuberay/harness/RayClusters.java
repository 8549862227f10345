package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.model.v1.RayCluster;
import java.util.List;
import java.util.Objects;

/**
 * The RayClusters of an environment, fabric8-style: {@code
 * env.rayClusters().inNamespace("ns").create(spec)}.
 */
public final class RayClusters {

  private final ClusterBackend backend;
  private final String namespace;

  RayClusters(ClusterBackend backend, String namespace) {
    this.backend = backend;
    this.namespace = namespace;
  }

  public RayClusters inNamespace(String ns) {
    return new RayClusters(backend, Objects.requireNonNull(ns, "namespace must not be null"));
  }

  /** Creates the cluster; returns at once (use {@link RayClusterHandle#awaitReady}). */
  public RayClusterHandle create(RayClusterSpec spec) {
    GenericKubernetesResource created =
        backend
            .client()
            .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
            .inNamespace(namespace)
            .resource(spec.toResource(namespace))
            .create();
    return new RayClusterHandle(backend, namespace, created.getMetadata().getName());
  }

  /**
   * Creates the RayCluster of a ray-cluster chart release. Unless the chart sets {@code image.*},
   * its pods run the environment's Ray image ({@link KubeRayEnvironment#rayImage()}), as {@code
   * --set image.tag=...} would: the Ray the harness has locally, where the chart's default image
   * may not be available.
   */
  public RayClusterHandle install(RayClusterChart chart) {
    RayClusterSpec spec = chart.toSpec();
    if (chart.value("image.repository").isEmpty() && chart.value("image.tag").isEmpty()) {
      spec = spec.withChartValues(RayClusterChart.imageValues(backend.rayImage()));
    }
    return create(spec);
  }

  /** Creates a typed RayCluster ({@code kuberay-model}); returns at once. */
  public RayClusterHandle create(RayCluster cluster) {
    return create(RayClusterSpec.from(cluster));
  }

  /** Creates any RayCluster manifest. */
  public RayClusterHandle createFromYaml(String yaml) {
    return create(RayClusterSpec.fromYaml(yaml));
  }

  public RayClusterHandle withName(String name) {
    return new RayClusterHandle(
        backend, namespace, Objects.requireNonNull(name, "name must not be null"));
  }

  public List<RayClusterHandle> list() {
    return backend
        .client()
        .genericKubernetesResources(RayClusterHandle.RAY_CLUSTERS)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .map(r -> new RayClusterHandle(backend, namespace, r.getMetadata().getName()))
        .toList();
  }
}
