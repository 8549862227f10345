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

  /** Docker Hub's names for Ray's own repositories, the only ones whose tags are known here. */
  private static final Set<String> PUBLISHER =
      Set.of(
          "rayproject",
          "docker.io/rayproject",
          "index.docker.io/rayproject",
          "registry-1.docker.io/rayproject");

  /**
   * A published tag's release part, then its flavours: {@code
   * {release}[-extra][-py3NN][-cpu|-gpu|-cuNNN][-aarch64]} (ray's docker/README), the release being
   * {@code X.Y.Z}, {@code X.Y.Z.<commit>}, {@code latest}, {@code nightly} or a 6-digit commit.
   */
  private static final Pattern PUBLISHED_RELEASE =
      Pattern.compile(
          "(?:latest|nightly|[0-9a-f]{6}|\\d+\\.\\d+\\.\\d+(?:\\.[0-9a-f]{6,40})?)(-.*)?");

  private static final Pattern FLAVOUR =
      Pattern.compile("extra|py3\\d{1,2}|cpu|gpu|tpu|cu\\d{2,3}(?:\\.\\d)?|aarch64");

  private final String image;
  private final boolean rayImage;
  private final String version;
  private final String repository;
  private final String unknownFlavour;

  private RayImageVersion(
      String image, boolean rayImage, String version, String repository, String unknownFlavour) {
    this.image = image;
    this.rayImage = rayImage;
    this.version = version;
    this.repository = repository;
    this.unknownFlavour = unknownFlavour;
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
    String owner =
        repository.contains("/") ? repository.substring(0, repository.lastIndexOf('/')) : "";
    String unknown =
        ray && PUBLISHER.contains(owner.toLowerCase(Locale.ROOT)) ? unknownFlavour(tag) : null;
    return new RayImageVersion(
        image, ray, ray && m.matches() ? m.group(1) : null, repository, unknown);
  }

  /** The first part of a published-looking tag that no Ray tag has; null when there is none. */
  private static String unknownFlavour(String tag) {
    Matcher release = PUBLISHED_RELEASE.matcher(tag);
    if (!release.matches() || release.group(1) == null) {
      // No tag, or a release part of another form: nothing is claimed about it.
      return null;
    }
    for (String part : release.group(1).substring(1).split("-", -1)) {
      if (!FLAVOUR.matcher(part).matches()) {
        return part;
      }
    }
    return null;
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

  /**
   * Why a real node could not pull this image of Ray's own Docker Hub repositories: its tag has a
   * part ({@code -doesnotexist}) that none of the published tags has, so the pull ends in "not
   * found". Empty for a published form and for any other registry or owner (a mirror's or a team's
   * own build may name its tags as it likes).
   */
  public Optional<String> unpublishedTagProblem() {
    if (unknownFlavour == null) {
      return Optional.empty();
    }
    return Optional.of(
        "image \""
            + image
            + "\": rayproject publishes no tag with \"-"
            + unknownFlavour
            + "\" (its tags read {Ray version}[-extra][-py3NN][-cpu|-gpu|-cuNNN][-aarch64], with"
            + " latest or nightly in place of the version), so a real node's pull fails with \"not"
            + " found\". The emulated backend pulls nothing and checks the tag's form instead. Fix:"
            + " a published tag such as "
            + repository
            + ":"
            + (version != null ? version : "latest")
            + ", or your own image mapped to its code (userImage, -Dkuberay.pods.images)");
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
