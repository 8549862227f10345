package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.UserImage;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodRayVersionsTest {

  @Test
  void theImageTagDecidesAndTheRayClusterIsNotAsked() {
    PodRayVersions.Choice c =
        PodRayVersions.choose(
            pod("rayproject/ray:2.46.0-py311", "sidecar:1"),
            Optional.empty(),
            () -> {
              throw new AssertionError("rayVersion read although the image names a version");
            },
            "2.52.0");

    assertThat(c.version()).isEqualTo("2.46.0");
    assertThat(c.source()).isEqualTo("image rayproject/ray:2.46.0-py311");
  }

  @Test
  void withoutAVersionInTheImageTheRayClustersRayVersionDecides() {
    assertThat(
            PodRayVersions.choose(
                    pod("rayproject/ray:latest"),
                    Optional.empty(),
                    () -> Optional.of("2.41.0"),
                    "2.52.0")
                .version())
        .isEqualTo("2.41.0");
    assertThat(
            PodRayVersions.choose(
                    pod("myorg/ray-app:1.2"),
                    Optional.empty(),
                    () -> Optional.of(" 2.9.0 "),
                    "2.52.0")
                .version())
        .isEqualTo("2.9.0");
  }

  @Test
  void withNeitherTheDefaultRunsAndTheSourceSaysWhy() {
    PodRayVersions.Choice c =
        PodRayVersions.choose(
            pod("myorg/ray-app:1.2"), Optional.empty(), () -> Optional.of(""), "2.52.0");

    assertThat(c.version()).isEqualTo("2.52.0");
    assertThat(c.source())
        .contains("myorg/ray-app:1.2 is not a Ray image")
        .contains("no rayVersion");
  }

  @Test
  void onlyTheFirstContainerIsTheRayContainer() {
    assertThat(
            PodRayVersions.choose(
                    pod("busybox", "rayproject/ray:2.9.0"),
                    Optional.empty(),
                    Optional::empty,
                    "2.52.0")
                .version())
        .isEqualTo("2.52.0");
  }

  @Test
  void aMappedImagesRayVersionComesBeforeTheRayClustersAndItsRequirementsMakeAnotherRuntime() {
    UserImage mapped =
        UserImage.named("myorg/ray-app:*")
            .withRequirements(Path.of("/src/req.txt"))
            .basedOnRay("2.46.0");
    PodRayVersions.Choice c =
        PodRayVersions.choose(
            pod("myorg/ray-app:1.2"), Optional.of(mapped), () -> Optional.of("2.41.0"), "2.52.0");
    assertThat(c.version()).isEqualTo("2.46.0");
    assertThat(c.source()).contains("mapping of image myorg/ray-app:1.2 (myorg/ray-app:*)");
    assertThat(c.requirements()).contains(Path.of("/src/req.txt"));
    assertThat(c.key()).isEqualTo("2.46.0+/src/req.txt");
    assertThat(c.describe()).isEqualTo("Ray 2.46.0 with the requirements of /src/req.txt");

    PodRayVersions.Choice unversioned =
        PodRayVersions.choose(
            pod("myorg/ray-app:1.2"),
            Optional.of(UserImage.named("myorg/ray-app:*")),
            Optional::empty,
            "2.52.0");
    assertThat(unversioned.key()).isEqualTo("2.52.0");
    assertThat(unversioned.source()).contains("mapping names none");
  }

  private static Pod pod(String... images) {
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
