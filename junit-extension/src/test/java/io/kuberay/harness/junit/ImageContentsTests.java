package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.UserImage;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code @KubeRayTest(images = ...)}: a cluster of the user's image sees the mapped directory. */
@DisplayName("@ImageContents maps the user's image to a directory")
@KubeRayTest(
    ray = "off",
    images =
        @ImageContents(
            image = "myorg/ray-app:*",
            directory = "src/test/resources/user-image",
            mountPath = "/app"),
    clusters = @RayCluster(name = "mine", image = "myorg/ray-app:1.2"))
class ImageContentsTests {

  @Test
  @DisplayName("the environment maps the image, and an exec in the head reads /app")
  void headSeesTheImagesDirectory(KubeRayEnvironment env, @HeadPod PodHandle head) {
    assertThat(env.settings().userImage("myorg/ray-app:1.2").map(UserImage::directory))
        .contains(Path.of("src/test/resources/user-image").toAbsolutePath());
    ExecResult r = head.exec("cat", "/app/hello.txt");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("hello from the image");
  }
}
