package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.ray.process.RayImageVersion;
import io.kuberay.harness.settings.Setting;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * What the emulated node knows of an image it cannot pull: a Ray image's contents are Ray (its tag
 * names the version), a user image's are what its mapping says ({@link UserImage}), any other
 * image's are unknown. A Ray pod whose Ray container has an unknown image, or a mapping whose
 * directory is missing, must not run: {@link #problem(Pod)} says why and what to map.
 */
public final class PodImages {

  private final List<UserImage> mapped;

  public PodImages(List<UserImage> mapped) {
    this.mapped = List.copyOf(mapped);
  }

  static PodImages none() {
    return new PodImages(List.of());
  }

  /** The mapping of {@code image}, the first that matches. */
  Optional<UserImage> mapping(String image) {
    return image == null
        ? Optional.empty()
        : mapped.stream().filter(u -> u.matches(image)).findFirst();
  }

  /** The mapping of the pod's Ray container (KubeRay's Ray container is the first one). */
  public Optional<UserImage> rayContainerMapping(Pod pod) {
    return mapping(rayContainerImage(pod));
  }

  public static String rayContainerImage(Pod pod) {
    List<Container> containers = pod.getSpec().getContainers();
    return containers.isEmpty() || containers.get(0).getImage() == null
        ? ""
        : containers.get(0).getImage();
  }

  /**
   * Why the pod's Ray container cannot run here, as the waiting message of an image pull that
   * failed: an image that is neither Ray's nor mapped, a tag of Ray's own repositories that is not
   * published, or a mapping whose directory or requirements file does not exist. Empty when it can
   * run.
   */
  public Optional<String> problem(Pod pod) {
    String image = rayContainerImage(pod);
    Optional<UserImage> mapping = mapping(image);
    if (mapping.isPresent()) {
      UserImage u = mapping.get();
      if (!Files.isDirectory(u.directory())) {
        return Optional.of(
            "image \""
                + image
                + "\" is mapped (pattern "
                + u.pattern()
                + ") to the directory "
                + u.directory()
                + ", which does not exist. Fix: create it, or map the image to an existing directory");
      }
      if (u.requirements().isPresent() && !Files.isRegularFile(u.requirements().get())) {
        return Optional.of(
            "image \""
                + image
                + "\" is mapped (pattern "
                + u.pattern()
                + ") with the requirements file "
                + u.requirements().get()
                + ", which does not exist. Fix: create it, or map the image without requirements");
      }
      return Optional.empty();
    }
    RayImageVersion ray = RayImageVersion.of(image);
    if (ray.isRayImage()) {
      return ray.unpublishedTagProblem();
    }
    return Optional.of(unknown(image));
  }

  /** The message for an image the emulated node cannot know, with every way to map it. */
  static String unknown(String image) {
    String pattern = suggestedPattern(image);
    return "image \""
        + image
        + "\" is neither a Ray image (rayproject/ray, ray-ml, ray-llm) nor mapped to a local"
        + " directory: the emulated backend pulls no image and cannot know what it holds. Map it to"
        + " the directory its code comes from: KubeRayEnvironment.builder().userImage(\""
        + pattern
        + "\", Path.of(\"src/main/app\"), \"/app\"), @KubeRayTest(images = @ImageContents(image ="
        + " \""
        + pattern
        + "\", directory = \"src/main/app\", mountPath = \"/app\")), the step 'Given the image \""
        + pattern
        + "\" holds the directory \"src/main/app\" at \"/app\"', or -D"
        + Setting.PODS_IMAGES.key()
        + "="
        + pattern
        + "=/path/to/app:/app (add ;requirements=file for its Python packages and"
        + " ;rayVersion=X.Y.Z for the Ray it is built on); or use a rayproject/ray image";
  }

  /** The image's repository with any tag: {@code myorg/app:1.2} → {@code myorg/app:*}. */
  static String suggestedPattern(String image) {
    String name = image.trim();
    int digest = name.indexOf('@');
    if (digest >= 0) {
      name = name.substring(0, digest);
    }
    int colon = name.lastIndexOf(':');
    String repository = colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    return repository + ":*";
  }
}
