package io.kuberay.harness.install;

import java.util.Objects;

/**
 * An image name split the way Docker and containerd read it: {@code
 * [registry/]path[:tag][@digest]}.
 *
 * @param repository everything before the tag, as written ({@code kuberay-harness/ray})
 * @param tag the tag, {@code latest} when none is written
 */
public record ImageReference(String repository, String tag) {

  public ImageReference {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
  }

  public static ImageReference parse(String image) {
    String name = image.trim();
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      return new ImageReference(name.substring(0, colon), name.substring(colon + 1));
    }
    return new ImageReference(name, "latest");
  }

  /** The registry host, {@code docker.io} when the name has none. */
  public String registry() {
    int slash = repository.indexOf('/');
    String first = slash < 0 ? "" : repository.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost")
        ? first
        : "docker.io";
  }

  /** The fully qualified name containerd stores: {@code docker.io/library/busybox:1.36}. */
  public String fullyQualified() {
    String registry = registry();
    String path =
        repository.startsWith(registry + "/")
            ? repository.substring(registry.length() + 1)
            : repository;
    if (registry.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    return registry + "/" + path + ":" + tag;
  }

  @Override
  public String toString() {
    return repository + ":" + tag;
  }
}
