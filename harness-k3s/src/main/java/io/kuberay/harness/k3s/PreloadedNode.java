package io.kuberay.harness.k3s;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node image that carries image tarballs and imports them into containerd while it boots (built
 * by {@code images/build-images.sh node-preloaded}). Its labels name the node image it extends and
 * the Docker image IDs it carries, so the choice is made by ID: an image rebuilt since the node was
 * made is side-loaded as before.
 *
 * @param image the preloaded node image's name
 * @param baseId the image ID of the node image it extends
 * @param carried the image IDs it imports at boot
 */
record PreloadedNode(String image, String baseId, Set<String> carried) {

  static final String BASE_LABEL = "io.kuberay.harness.preloaded.base";
  static final String CARRIED_LABEL = "io.kuberay.harness.preloaded";

  /**
   * Where the node's entry point marks each image as imported ({@code <id>.done}) or not ({@code
   * <id>.failed}).
   */
  static final String MARKS = "/run/kube-node/preloaded";

  /**
   * Names (by their IDs' hex digits, comma-separated) the carried images the node imports; the
   * others it skips.
   */
  static final String ONLY_ENV = "KUBE_NODE_PRELOAD";

  PreloadedNode {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(baseId, "baseId");
    carried = Set.copyOf(carried);
  }

  /**
   * The preloaded node an image in the engine's list describes: named by its first real tag, a
   * plain one before an {@code :inputs-} one.
   */
  static Optional<PreloadedNode> fromListing(List<String> repoTags, Map<String, String> labels) {
    return repoTags.stream()
        .filter(tag -> !tag.startsWith("<none>"))
        .sorted(Comparator.comparing((String tag) -> tag.contains(":inputs-")))
        .findFirst()
        .flatMap(tag -> fromLabels(tag, labels));
  }

  /** The preloaded node an image's labels describe, if they describe one. */
  static Optional<PreloadedNode> fromLabels(String image, Map<String, String> labels) {
    if (labels == null || !labels.containsKey(BASE_LABEL) || !labels.containsKey(CARRIED_LABEL)) {
      return Optional.empty();
    }
    Set<String> ids =
        Arrays.stream(labels.get(CARRIED_LABEL).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    return Optional.of(new PreloadedNode(image, labels.get(BASE_LABEL), ids));
  }

  /**
   * Of the candidates that extend the node image {@code baseId}, the one that carries the most of
   * {@code needed} (image IDs); none when no candidate carries any of them.
   */
  static Optional<PreloadedNode> best(
      String baseId, Collection<String> needed, List<PreloadedNode> candidates) {
    return candidates.stream()
        .filter(c -> c.baseId().equals(baseId))
        .filter(c -> c.count(needed) > 0)
        .max(
            Comparator.comparingLong((PreloadedNode c) -> c.count(needed))
                .thenComparing(PreloadedNode::image));
  }

  private long count(Collection<String> ids) {
    return ids.stream().distinct().filter(carried::contains).count();
  }

  boolean carries(String imageId) {
    return carried.contains(imageId);
  }

  /** The file that appears in the node once {@code imageId} is imported. */
  static String doneMarker(String imageId) {
    return MARKS + "/" + hex(imageId) + ".done";
  }

  /** The file that appears in the node when importing {@code imageId} failed. */
  static String failedMarker(String imageId) {
    return MARKS + "/" + hex(imageId) + ".failed";
  }

  static String hex(String imageId) {
    return imageId.startsWith("sha256:") ? imageId.substring("sha256:".length()) : imageId;
  }
}
