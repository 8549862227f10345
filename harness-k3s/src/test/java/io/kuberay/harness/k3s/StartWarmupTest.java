package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartWarmupTest {

  @Test
  @DisplayName("builds and closes a client without a cluster: nothing is sent, nothing fails")
  void clientWithoutACluster() {
    assertThat(StartWarmup.run(EnvironmentSettings.defaults())).isTrue();
  }

  @Test
  @DisplayName(
      "a manifests directory without the release's bundle is reported as a failed part, not thrown")
  void missingBundle(@TempDir Path empty) {
    EnvironmentSettings settings =
        EnvironmentSettings.defaults()
            .withKuberayVersion(KubeRayVersion.V1_1_0)
            .withManifestsDir(Optional.of(empty));

    assertThat(StartWarmup.run(settings)).isFalse();
  }
}
