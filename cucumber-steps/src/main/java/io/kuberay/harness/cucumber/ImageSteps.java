package io.kuberay.harness.cucumber;

import io.cucumber.java.en.Given;
import io.kuberay.harness.UserImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the user's own images hold on the emulated backend, which pulls no image (see {@link
 * UserImage}); steps that come before any step using the cluster. The k3s and existing backends run
 * the real images.
 */
public class ImageSteps {

  private final KubeRayWorld world;

  public ImageSteps(KubeRayWorld world) {
    this.world = world;
  }

  /**
   * Pods whose image matches {@code image} ({@code *} stands for any text) see {@code directory}
   * (relative to the working directory), read-only, at {@code mountPath}.
   */
  @Given("the image {string} holds the directory {string} at {string}")
  public void holds(String image, String directory, String mountPath) {
    world.mapImage(UserImage.named(image).withDirectory(existing(directory, true), mountPath));
  }

  /** As above, and its pods run Ray with the packages of a pip requirements file installed. */
  @Given(
      "the image {string} holds the directory {string} at {string} with the requirements {string}")
  public void holdsWithRequirements(
      String image, String directory, String mountPath, String requirements) {
    world.mapImage(
        UserImage.named(image)
            .withDirectory(existing(directory, true), mountPath)
            .withRequirements(existing(requirements, false)));
  }

  /**
   * The image mapped by a step above is built from {@code rayproject/ray:<version>}: its pods run
   * that Ray release (provisioned on first use) instead of the RayCluster's {@code rayVersion}.
   */
  @Given("the image {string} is built on Ray {string}")
  public void builtOnRay(String image, String version) {
    world.baseImageOnRay(image, version);
  }

  private static Path existing(String path, boolean directory) {
    Path p = Path.of(path).toAbsolutePath().normalize();
    if (directory ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
      throw new IllegalArgumentException(
          "No "
              + (directory ? "directory " : "file ")
              + p
              + " for the image: give a path relative to "
              + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
