package io.kuberay.harness.internal;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.backend.BackendFactory;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.emulated.EmulatedBackend;
import io.kuberay.harness.existing.ExistingBackend;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Starts the backend the settings name: emulated and existing from this module, k3s from
 * harness-k3s when present.
 */
public final class Backends {

  private Backends() {}

  /**
   * @param workDir the environment's own directory, deleted when it closes
   */
  public static ClusterBackend start(EnvironmentSettings settings, Path workDir) {
    switch (settings.backend()) {
      case EMULATED:
        return EmulatedBackend.start(settings, workDir);
      case EXISTING:
        return ExistingBackend.start(settings);
      case K3S:
        return factory(BackendType.K3S, Backends.class.getClassLoader()).start(settings, workDir);
      default:
        throw new UnsupportedOperationException("Unknown backend " + settings.backend());
    }
  }

  /**
   * The factory a module on the classpath registers for {@code type}; a clear error when that
   * module is missing.
   */
  static BackendFactory factory(BackendType type, ClassLoader loader) {
    for (BackendFactory factory : ServiceLoader.load(BackendFactory.class, loader)) {
      if (factory.type() == type) {
        return factory;
      }
    }
    throw new BackendUnavailableException(
        "the "
            + type.id()
            + " backend needs io.github.kuberay-harness:harness-"
            + type.id()
            + " on the test classpath (add it next to junit-extension)",
        "Use test scope; kuberay-harness-bom manages its version");
  }
}
