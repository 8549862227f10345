package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrontWarmupTest {

  @TempDir Path dir;

  @Test
  void oneRequestThroughTheKubeconfigsCaAndToken() throws IOException {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .backend(BackendType.EMULATED)
            .installMethod(InstallMethod.NONE)
            .rayMode(RayMode.OFF)
            .startExactly()) {
      assertThat(FrontWarmup.warm(env.kubeconfig())).isEqualTo(200);

      // The request really reaches the front: another token is refused there.
      String kubeconfig = Files.readString(env.kubeconfig());
      Path wrong =
          Files.writeString(
              dir.resolve("wrong"), kubeconfig.replaceAll("token: .*", "token: not-the-token"));
      assertThat(FrontWarmup.warm(wrong)).isEqualTo(401);
    }
  }

  @Test
  void aKubeconfigThatCannotBeReadIsLeftToTheUser() {
    assertThat(FrontWarmup.warm(dir.resolve("missing"))).isEqualTo(-1);
  }
}
