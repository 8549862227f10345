package io.kuberay.harness;

import io.kuberay.harness.emulated.EmulatedBackend;
import io.kuberay.harness.existing.ExistingBackend;
import io.kuberay.harness.k3s.K3sBackend;

/** Starts the backend the settings name. */
final class Backends {

  private Backends() {}

  static ClusterBackend start(EnvironmentSettings settings) {
    switch (settings.backend()) {
      case EMULATED:
        return EmulatedBackend.start(settings);
      case K3S:
        return K3sBackend.start(settings);
      case EXISTING:
        return ExistingBackend.start(settings);
      default:
        throw new UnsupportedOperationException("Unknown backend " + settings.backend());
    }
  }
}
