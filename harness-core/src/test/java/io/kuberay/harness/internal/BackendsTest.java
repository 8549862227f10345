package io.kuberay.harness.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.backend.BackendFactory;
import io.kuberay.harness.backend.ClusterBackend;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {

  @Test
  void k3sWithoutItsModuleSaysWhichArtifactToAdd() {
    // harness-core's own test classpath has no harness-k3s: the situation of an emulated-only
    // consumer.
    assertThatThrownBy(() -> Backends.factory(BackendType.K3S, getClass().getClassLoader()))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageStartingWith(
            "the k3s backend needs io.github.kuberay-harness:harness-k3s on the test classpath (add it next to junit-extension)");
  }

  @Test
  void findsTheFactoryAModuleRegisters(@TempDir Path dir) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(BackendFactory.class.getName()), RegisteredFactory.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThat(Backends.factory(BackendType.K3S, loader)).isInstanceOf(RegisteredFactory.class);
      assertThatThrownBy(() -> Backends.factory(BackendType.EXISTING, loader))
          .isInstanceOf(BackendUnavailableException.class)
          .hasMessageContaining("harness-existing");
    }
  }

  /** Stands for harness-k3s's factory; never started. */
  public static final class RegisteredFactory implements BackendFactory {

    @Override
    public BackendType type() {
      return BackendType.K3S;
    }

    @Override
    public ClusterBackend start(EnvironmentSettings settings, Path workDir) {
      throw new UnsupportedOperationException("not started in this test");
    }
  }
}
