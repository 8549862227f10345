package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.UserImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Ray containers' images the emulated node can run, and what it says about the rest. */
class PodImagesTest {

  @TempDir Path dir;

  @Test
  void rayImagesOfAnyRegistryAndFlavourRun() {
    PodImages images = PodImages.none();
    for (String image :
        List.of(
            "rayproject/ray:2.52.0",
            "rayproject/ray:nightly",
            "rayproject/ray-ml:2.46.0.0e19ea-py39-gpu",
            "rayproject/ray-llm:2.52.0-py311-cu128",
            "kuberay-harness/ray:2.52.0",
            "registry.local/rayproject/ray:2.41.0")) {
      assertThat(images.problem(pod(image, "fluent/fluent-bit:3.2.2"))).as(image).isEmpty();
    }
  }

  @Test
  void anUnmappedImageIsNotRunAndTheMessageSaysEveryWayToMapIt() {
    String message = PodImages.none().problem(pod("myorg/ray-app:1.2")).orElseThrow();
    assertThat(message)
        .startsWith("image \"myorg/ray-app:1.2\" is neither a Ray image")
        .contains("cannot know what it holds")
        .contains("userImage(\"myorg/ray-app:*\"")
        .contains("@ImageContents(image = \"myorg/ray-app:*\"")
        .contains("Given the image \"myorg/ray-app:*\" holds the directory")
        .contains("-Dkuberay.pods.images=myorg/ray-app:*=/path/to/app:/app")
        .contains("rayproject/ray image");
    assertThat(PodImages.none().problem(pod("hiyouga/verl:ngc-th2.6.0"))).isPresent();
  }

  @Test
  void aTagRayDoesNotPublishIsAPullFailureAsOnANode() {
    assertThat(PodImages.none().problem(pod("rayproject/ray:2.46.0-doesnotexist")))
        .hasValueSatisfying(m -> assertThat(m).contains("rayproject publishes no tag"));
  }

  @Test
  void onlyTheRayContainerCounts() {
    assertThat(PodImages.none().problem(pod("rayproject/ray:2.52.0", "busybox"))).isEmpty();
    assertThat(PodImages.none().problem(pod("busybox", "rayproject/ray:2.52.0"))).isPresent();
  }

  @Test
  void aMappedImageRunsWhenItsDirectoryAndRequirementsExist() throws IOException {
    Path app = Files.createDirectory(dir.resolve("app"));
    Path requirements = Files.writeString(dir.resolve("requirements.txt"), "six\n");
    UserImage mapped =
        UserImage.named("myorg/ray-app:*")
            .withDirectory(app, "/app")
            .withRequirements(requirements);
    PodImages images = new PodImages(List.of(mapped));
    assertThat(images.problem(pod("myorg/ray-app:1.2"))).isEmpty();
    assertThat(images.rayContainerMapping(pod("myorg/ray-app:1.2"))).contains(mapped);
    assertThat(images.problem(pod("myorg/other:1.2"))).isPresent();
  }

  @Test
  void aMappingWhoseDirectoryOrRequirementsAreMissingSaysWhich() throws IOException {
    Path missing = dir.resolve("gone");
    assertThat(
            new PodImages(List.of(UserImage.named("myorg/a:*").withDirectory(missing, "/app")))
                .problem(pod("myorg/a:1")))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("myorg/a:1")
                    .contains(missing.toString())
                    .contains("does not exist"));
    Path app = Files.createDirectory(dir.resolve("app"));
    Path noFile = dir.resolve("requirements.txt");
    assertThat(
            new PodImages(
                    List.of(
                        UserImage.named("myorg/a:*")
                            .withDirectory(app, "/app")
                            .withRequirements(noFile)))
                .problem(pod("myorg/a:1")))
        .hasValueSatisfying(
            m -> assertThat(m).contains(noFile.toString()).contains("requirements"));
  }

  @Test
  void theSuggestedPatternKeepsRegistryAndRepository() {
    assertThat(PodImages.suggestedPattern("myorg/app:1.2")).isEqualTo("myorg/app:*");
    assertThat(PodImages.suggestedPattern("registry:5000/myorg/app"))
        .isEqualTo("registry:5000/myorg/app:*");
    assertThat(PodImages.suggestedPattern("myorg/app@sha256:abc")).isEqualTo("myorg/app:*");
  }

  static Pod pod(String... images) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("n")
            .endMetadata()
            .withNewSpec()
            .endSpec();
    for (int i = 0; i < images.length; i++) {
      b.editSpec()
          .addNewContainer()
          .withName("c" + i)
          .withImage(images[i])
          .endContainer()
          .endSpec();
    }
    return b.build();
  }
}
