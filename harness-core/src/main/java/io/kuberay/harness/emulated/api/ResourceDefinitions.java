package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kuberay.harness.emulated.store.ResourceRef;

/** The ray.io resources as the emulator addresses them. */
public final class ResourceDefinitions {

  public static final ResourceDefinitionContext RAY_CLUSTERS = context("RayCluster", "rayclusters");
  public static final ResourceDefinitionContext RAY_JOBS = context("RayJob", "rayjobs");
  public static final ResourceDefinitionContext RAY_SERVICES = context("RayService", "rayservices");

  /** The store tables the emulator watches in-process. */
  public static final ResourceRef RAY_CLUSTERS_REF = new ResourceRef("ray.io", "v1", "rayclusters");

  public static final ResourceRef RAY_JOBS_REF = new ResourceRef("ray.io", "v1", "rayjobs");
  public static final ResourceRef RAY_SERVICES_REF = new ResourceRef("ray.io", "v1", "rayservices");
  public static final ResourceRef PODS_REF = new ResourceRef("", "v1", "pods");

  private ResourceDefinitions() {}

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("ray.io")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
