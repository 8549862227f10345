package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container image says about the Ray it holds, read from its name alone (the emulated node
 * pulls nothing).
 *
 * <p>A Ray image is one whose repository's last path segment is {@code ray}, {@code ray-ml} or
 * {@code ray-llm}, on any registry or owner: {@code rayproject/ray:2.46.0}, {@code
 * docker.io/rayproject/ray-ml:2.9.0-py310-gpu}, a mirror's {@code
 * registry.local/rayproject/ray:2.41.0}, the harness's own {@code kuberay-harness/ray:2.52.0}. Its
 * version is the tag's leading {@code X.Y.Z}; whatever follows it ({@code -py311}, {@code -gpu},
 * {@code -cpu}, {@code -aarch64}, {@code -cu121}, a {@code .<commit>} of a nightly build) names a
 * flavour of the same Ray release. {@code latest}, {@code nightly} or a missing tag give no
 * version.
 */
@Internal
public final class RayImageVersion {

  private static final Set<String> RAY_REPOSITORIES = Set.of("ray", "ray-ml", "ray-llm");
  private static final Pattern VERSION_TAG = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(?:[-.].*)?");

  private final String image;
  private final boolean rayImage;
  private final String version;

  private RayImageVersion(String image, boolean rayImage, String version) {
    this.image = image;
    this.rayImage = rayImage;
    this.version = version;
  }

  /** Reads {@code image}, e.g. {@code rayproject/ray:2.46.0-py311-cpu@sha256:…}. */
  public static RayImageVersion of(String image) {
    Objects.requireNonNull(image, "image");
    String name = image.trim();
    int digest = name.indexOf('@');
    if (digest >= 0) {
      name = name.substring(0, digest);
    }
    int lastSlash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String repository = colon > lastSlash ? name.substring(0, colon) : name;
    String tag = colon > lastSlash ? name.substring(colon + 1) : "";
    String lastSegment =
        repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    boolean ray = RAY_REPOSITORIES.contains(lastSegment);
    Matcher m = VERSION_TAG.matcher(tag);
    return new RayImageVersion(image, ray, ray && m.matches() ? m.group(1) : null);
  }

  /** Whether the image is one of Ray's own (or a mirror of one). */
  public boolean isRayImage() {
    return rayImage;
  }

  /**
   * The Ray release the tag names; empty for {@code latest}, {@code nightly}, no tag, or an image
   * that is not Ray's.
   */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  public String image() {
    return image;
  }

  @Override
  public String toString() {
    return image
        + (version != null
            ? " (Ray " + version + ")"
            : rayImage ? " (Ray, no version in the tag)" : " (not a Ray image)");
  }
}
