package io.kuberay.harness;

/**
 * The Ray image and version the harness uses when a spec names none; pinned, never {@code latest}.
 */
public final class RayImages {

  /** The Ray version the harness provisions for emulated pods and builds into its local image. */
  public static final String DEFAULT_RAY_VERSION = "2.52.0";

  public static final String DEFAULT_IMAGE = "rayproject/ray:" + DEFAULT_RAY_VERSION;

  /** The setting that overrides the Ray image of the real-cluster backends (k3s, existing). */
  public static final String IMAGE_PROPERTY = "kuberay.ray.image";

  private RayImages() {}
}
