package io.kuberay.harness.internal;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.emulated.EmulatedBackend;
import io.kuberay.harness.existing.ExistingBackend;
import io.kuberay.harness.k3s.K3sBackend;
import java.nio.file.Path;

/** Starts the backend the settings name. */
public final class Backends {

  private Backends() {}

  /** @param workDir the environment's own directory, deleted when it closes */
  public static ClusterBackend start(EnvironmentSettings settings, Path workDir) {
    switch (settings.backend()) {
      case EMULATED:
        return EmulatedBackend.start(settings, workDir);
      case K3S:
        return K3sBackend.start(settings, workDir);
      case EXISTING:
        return ExistingBackend.start(settings);
      default:
        throw new UnsupportedOperationException("Unknown backend " + settings.backend());
    }
  }
}
