package io.kuberay.harness;

import io.kuberay.harness.ray.process.RayImageVersion;
import java.util.Optional;

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

  /**
   * The Ray release a Ray image's tag names ({@code rayproject/ray:2.46.0-py311} → 2.46.0, also
   * {@code ray-ml}, {@code ray-llm} and mirrors); empty for {@code latest}, {@code nightly} or an
   * image that is not a Ray image.
   */
  public static Optional<String> rayVersion(String image) {
    return RayImageVersion.of(image).version();
  }
}
