package io.kuberay.harness.junit.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.UserImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's user-image builder example, compiled and checked (nothing is started). */
class UserImageExampleTest {

  @Test
  void theReadmesMappingReachesTheSettings() {
    KubeRayEnvironment.Builder builder =
        // mirrors README.md: begin
        KubeRayEnvironment.builder()
            .userImage(
                UserImage.named("myorg/ray-app:*")
                    .withDirectory(Path.of("src/main/app"), "/app")
                    .withRequirements(Path.of("src/main/app/requirements.txt")))
        // mirrors README.md: end
        ;

    UserImage mapped = builder.settingsExactly().userImage("myorg/ray-app:1.2").orElseThrow();
    assertThat(mapped.directory()).isEqualTo(Path.of("src/main/app").toAbsolutePath());
    assertThat(mapped.mountPath()).isEqualTo("/app");
    assertThat(mapped.requirements())
        .hasValueSatisfying(
            r -> assertThat(r.toString()).endsWith("src/main/app/requirements.txt"));
  }
}
