package io.kuberay.harness.cucumber;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;

/**
 * Puts the KubeRay version and install method a sentence names over settings that already carry external
 * overrides: the backend may come from {@code -Dkuberay.backend}, but a scenario that says v1.1.0 runs v1.1.0.
 * Candidate for harness-core as {@code EnvironmentSettings.withKuberayVersion/withInstallMethod}.
 */
final class SettingsPin {

  private SettingsPin() {}

  static EnvironmentSettings pin(EnvironmentSettings s, KubeRayVersion version, InstallMethod method) {
    return new EnvironmentSettings(s.backend(), version, method, s.manifestsDir(), s.nodeCapacity(), s.rayMode(), s.kubeconfig(),
        s.context(), s.k3sImage(), s.startupTimeout());
  }
}
