package io.kuberay.harness.emulated;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The ray.io resources as the emulator addresses them. */
final class RayResources {

  static final ResourceDefinitionContext RAY_CLUSTERS = context("RayCluster", "rayclusters");
  static final ResourceDefinitionContext RAY_JOBS = context("RayJob", "rayjobs");
  static final ResourceDefinitionContext RAY_SERVICES = context("RayService", "rayservices");

  /** The store tables the emulator watches in-process. */
  static final ResourceRef RAY_CLUSTERS_REF = new ResourceRef("ray.io", "v1", "rayclusters");
  static final ResourceRef RAY_JOBS_REF = new ResourceRef("ray.io", "v1", "rayjobs");
  static final ResourceRef RAY_SERVICES_REF = new ResourceRef("ray.io", "v1", "rayservices");
  static final ResourceRef PODS_REF = new ResourceRef("", "v1", "pods");

  private RayResources() {}

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
