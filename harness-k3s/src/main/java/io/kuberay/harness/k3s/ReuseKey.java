package io.kuberay.harness.k3s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What must be unchanged for a kept k3s container to serve another run ({@code
 * kuberay.k3s.reuse=true}): the node image and every image the run needs, by Docker image ID (a
 * rebuilt image is a new configuration), the names they go by in the cluster, the KubeRay version
 * and the install method. Its hash labels the container.
 *
 * @param nodeImageId image ID of the node image the container runs
 * @param imageIds image name → image ID of each image side-loaded or preloaded
 * @param aliases local name → name inside the cluster
 * @param kuberayVersion the operator's release
 * @param installMethod kustomize or helm
 */
record ReuseKey(
    String nodeImageId,
    Map<String, String> imageIds,
    Map<String, String> aliases,
    String kuberayVersion,
    String installMethod) {

  /** Carries {@link #hash()}: the container a later run looks for. */
  static final String CONFIG_LABEL = "io.kuberay.harness.k3s.config";

  /**
   * On every kept container, for {@code docker rm -f -v $(docker ps -aq --filter
   * label=io.kuberay.harness.k3s.reuse)}.
   */
  static final String REUSE_LABEL = "io.kuberay.harness.k3s.reuse";

  ReuseKey {
    Objects.requireNonNull(nodeImageId, "nodeImageId");
    Objects.requireNonNull(kuberayVersion, "kuberayVersion");
    Objects.requireNonNull(installMethod, "installMethod");
    imageIds = Map.copyOf(imageIds);
    aliases = Map.copyOf(aliases);
  }

  /** 16 hex digits of SHA-256 over the fields in a fixed order. */
  String hash() {
    StringBuilder text = new StringBuilder("node=").append(nodeImageId).append('\n');
    new TreeMap<>(imageIds)
        .forEach(
            (name, id) -> text.append("image ").append(name).append('=').append(id).append('\n'));
    new TreeMap<>(aliases)
        .forEach(
            (name, alias) ->
                text.append("alias ").append(name).append('=').append(alias).append('\n'));
    text.append("kuberay=")
        .append(kuberayVersion)
        .append('\n')
        .append("install=")
        .append(installMethod)
        .append('\n');
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The labels a container made for this configuration carries. */
  Map<String, String> labels() {
    return Map.of(CONFIG_LABEL, hash(), REUSE_LABEL, "true");
  }
}
