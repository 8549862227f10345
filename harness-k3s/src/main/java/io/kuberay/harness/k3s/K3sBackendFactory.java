package io.kuberay.harness.k3s;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.Internal;
import io.kuberay.harness.backend.BackendFactory;
import io.kuberay.harness.backend.ClusterBackend;
import java.nio.file.Path;

/**
 * Makes the k3s backend selectable ({@code kuberay.backend=k3s}) whenever this module is on the
 * classpath.
 */
@Internal
public final class K3sBackendFactory implements BackendFactory {

  @Override
  public BackendType type() {
    return BackendType.K3S;
  }

  @Override
  public ClusterBackend start(EnvironmentSettings settings, Path workDir) {
    return K3sBackend.start(settings, workDir);
  }
}
