package io.kuberay.harness;

import io.kuberay.harness.emulated.EmulatedBackend;

/** Starts the backend the settings name. */
final class Backends {

  private Backends() {}

  static ClusterBackend start(EnvironmentSettings settings) {
    switch (settings.backend()) {
      case EMULATED:
        return EmulatedBackend.start(settings);
      case K3S:
      case EXISTING:
      default:
        throw new UnsupportedOperationException(
            "The " + settings.backend().id() + " backend is not available in this build of the harness yet."
                + " Use the emulated backend (kuberay.backend=emulated).");
    }
  }
}
