package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.settings.SettingsReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** User images: matching, the setting's form, the builder, and bad input. */
class UserImageTest {

  @Test
  void aPatternMatchesAnyTextWhereItHasAStarAndItselfElsewhere() {
    UserImage any = UserImage.named("myorg/ray-app:*");
    assertThat(any.matches("myorg/ray-app:1.2")).isTrue();
    assertThat(any.matches("myorg/ray-app:")).isTrue();
    assertThat(any.matches("myorg/ray-app2:1.2")).isFalse();
    assertThat(any.matches("registry.local/myorg/ray-app:1.2")).isFalse();
    assertThat(UserImage.named("*/ray-app:*").matches("registry.local/myorg/ray-app:1.2")).isTrue();
    UserImage exact = UserImage.named("myorg/app.v1:1.2");
    assertThat(exact.matches("myorg/app.v1:1.2")).isTrue();
    assertThat(exact.matches("myorg/appXv1:1.2")).as("a dot is a dot").isFalse();
    assertThat(exact.matches(null)).isFalse();
  }

  @Test
  void imagesMatchInEverySpellingTheContainerRuntimeReadsAsTheSameImage() {
    UserImage app = UserImage.named("myorg/ray-app:*");
    assertThat(app.matches("docker.io/myorg/ray-app:1.2")).isTrue();
    assertThat(app.matches("index.docker.io/myorg/ray-app:1.2")).isTrue();
    assertThat(app.matches("myorg/ray-app")).as("no tag is :latest").isTrue();
    assertThat(app.matches("quay.io/myorg/ray-app:1.2")).as("another registry").isFalse();
    UserImage qualified = UserImage.named("docker.io/myorg/ray-app:1.2");
    assertThat(qualified.matches("myorg/ray-app:1.2")).isTrue();
    assertThat(qualified.matches("myorg/ray-app:1.3")).isFalse();
    UserImage library = UserImage.named("python:3.11");
    assertThat(library.matches("docker.io/library/python:3.11")).isTrue();
    assertThat(library.matches("library/python:3.11")).isTrue();
    assertThat(UserImage.named("ubuntu:latest").matches("ubuntu")).isTrue();
    assertThat(UserImage.named("ubuntu").matches("ubuntu:latest")).isTrue();
    assertThat(UserImage.named("ubuntu").matches("ubuntu:22.04")).as("no tag is :latest").isFalse();
    UserImage local = UserImage.named("localhost:5000/app:*");
    assertThat(local.matches("localhost:5000/app:1")).isTrue();
    assertThat(local.matches("app:1")).isFalse();
    assertThat(UserImage.named("myorg/app@sha256:*").matches("docker.io/myorg/app@sha256:ab"))
        .isTrue();
  }

  @Test
  void spellingsAreTheWrittenTheQualifiedAndOnDockerHubTheShortForm() {
    assertThat(UserImage.spellings("ubuntu"))
        .containsExactly("ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest");
    assertThat(UserImage.spellings("registry.local:5000/team/app:2"))
        .containsExactly("registry.local:5000/team/app:2", "registry.local:5000/team/app:2");
    assertThat(UserImage.spellings("index.docker.io/myorg/app@sha256:ab"))
        .containsExactly(
            "index.docker.io/myorg/app@sha256:ab",
            "docker.io/myorg/app@sha256:ab",
            "myorg/app@sha256:ab");
  }

  @Test
  void theSettingMapsPatternsToDirectoriesMountPathsRequirementsAndRayVersions() {
    List<UserImage> images =
        UserImage.parseAll(
            "kuberay.pods.images",
            "myorg/ray-app:*=/src/app:/opt/app;requirements=/src/app/req.txt;rayVersion=2.46.0,"
                + " other/*=/src/other");
    assertThat(images).hasSize(2);
    UserImage app = images.get(0);
    assertThat(app.pattern()).isEqualTo("myorg/ray-app:*");
    assertThat(app.directory()).isEqualTo(Path.of("/src/app"));
    assertThat(app.mountPath()).isEqualTo("/opt/app");
    assertThat(app.requirements()).contains(Path.of("/src/app/req.txt"));
    assertThat(app.rayVersion()).contains("2.46.0");
    UserImage other = images.get(1);
    assertThat(other.mountPath()).isEqualTo(UserImage.DEFAULT_MOUNT_PATH);
    assertThat(other.requirements()).isEmpty();
    assertThat(other.rayVersion()).isEmpty();
  }

  @Test
  void badSettingsSayWhatWasWrongAndTheForm() {
    assertThatThrownBy(() -> UserImage.parseAll("kuberay.pods.images", "myorg/app:1"))
        .hasMessageContaining("kuberay.pods.images: 'myorg/app:1' does not map an image")
        .hasMessageContaining("pattern=directory[:mountPath]");
    assertThatThrownBy(() -> UserImage.parseAll("kuberay.pods.images", "a:*=/src:app"))
        .hasMessageContaining("must be an absolute path below /")
        .hasMessageContaining("'app'");
    assertThatThrownBy(
            () -> UserImage.parseAll("kuberay.pods.images", "a:*=/src;rayVersion=latest"))
        .hasMessageContaining("must be X.Y.Z")
        .hasMessageContaining("'latest'");
    assertThatThrownBy(() -> UserImage.parseAll("kuberay.pods.images", "a:*=/src;pip=x"))
        .hasMessageContaining("'pip=x' is neither requirements=file nor rayVersion=X.Y.Z");
    assertThatThrownBy(() -> UserImage.named(" "))
        .hasMessageContaining("needs an image name or pattern");
  }

  @Test
  void theBuilderMapsImagesAndTheSettingWinsForTheSamePattern() {
    EnvironmentSettings code =
        KubeRayEnvironment.builder()
            .userImage("myorg/ray-app:*", Path.of("/code/app"), "/app")
            .userImage(UserImage.named("myorg/tool:1").withDirectory(Path.of("/code/tool"), "/t"))
            .settingsExactly();
    assertThat(code.userImage("myorg/ray-app:1.2").map(UserImage::directory))
        .contains(Path.of("/code/app"));
    assertThat(code.userImage("busybox")).isEmpty();

    Map<String, String> props = Map.of("kuberay.pods.images", "myorg/ray-app:*=/ci/app:/app");
    EnvironmentSettings overridden =
        code.withOverridesFrom(SettingsReader.ofProperties(props::get));
    assertThat(overridden.userImage("myorg/ray-app:1.2").map(UserImage::directory))
        .contains(Path.of("/ci/app"));
    assertThat(overridden.userImage("myorg/tool:1")).isPresent();
    assertThat(overridden.userImages()).hasSize(2);
    assertThat(overridden).isNotEqualTo(code);
    assertThat(code.withOverridesFrom(SettingsReader.ofProperties(k -> null))).isEqualTo(code);
  }

  @Test
  void aRelativeDirectoryIsTheWorkingDirectorys() {
    assertThat(UserImage.named("a:*").withDirectory(Path.of("app"), "/app").directory())
        .isEqualTo(Path.of("").toAbsolutePath().resolve("app"));
    assertThat(UserImage.named("a:*").withRequirements(Path.of("r.txt")).requirements())
        .isEqualTo(Optional.of(Path.of("").toAbsolutePath().resolve("r.txt")));
  }
}
