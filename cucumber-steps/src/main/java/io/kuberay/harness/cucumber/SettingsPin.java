package io.kuberay.harness.cucumber;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;

/**
 * Puts the KubeRay version and install method a sentence names over settings that already carry
 * external overrides: the backend may come from {@code -Dkuberay.backend}, but a scenario that says
 * v1.1.0 runs v1.1.0.
 */
final class SettingsPin {

  private SettingsPin() {}

  static EnvironmentSettings pin(
      EnvironmentSettings s, KubeRayVersion version, InstallMethod method) {
    return s.withKuberayVersion(version).withInstallMethod(method);
  }
}
