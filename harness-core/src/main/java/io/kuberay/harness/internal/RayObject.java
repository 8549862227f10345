package io.kuberay.harness.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.backend.ClusterBackend;

/**
 * One namespaced {@code ray.io/v1} object by name, read as stored now: what the RayCluster and
 * RayService handles share.
 */
public final class RayObject {

  public static final ResourceDefinitionContext RAY_CLUSTERS = context("RayCluster", "rayclusters");
  public static final ResourceDefinitionContext RAY_SERVICES = context("RayService", "rayservices");

  private final ClusterBackend backend;
  private final ResourceDefinitionContext context;
  private final String namespace;
  private final String name;

  public RayObject(
      ClusterBackend backend, ResourceDefinitionContext context, String namespace, String name) {
    this.backend = backend;
    this.context = context;
    this.namespace = namespace;
    this.name = name;
  }

  /** The context of a namespaced {@code ray.io/v1} kind. */
  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("ray.io")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  public GenericKubernetesResource get() {
    GenericKubernetesResource r =
        backend
            .client()
            .genericKubernetesResources(context)
            .inNamespace(namespace)
            .withName(name)
            .get();
    if (r == null) {
      throw new IllegalStateException(
          context.getKind() + " " + namespace + "/" + name + " does not exist (any more)");
    }
    return r;
  }

  /** The object as stored now, as a {@code kuberay-model} type. */
  public <T> T typed(Class<T> type) {
    return backend.client().getKubernetesSerialization().convertValue(get(), type);
  }
}
