package io.kuberay.harness.junit;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Lives in the root store: hands out shared environments to the classes of one test run and closes the ones it
 * handed out when the run ends. Starting is serialised, so parallel classes with equal settings start one.
 */
final class SharedEnvironments implements AutoCloseable {

  private final Set<KubeRayEnvironment> acquired = new LinkedHashSet<>();

  synchronized KubeRayEnvironment acquire(EnvironmentSettings settings) {
    KubeRayEnvironment env = KubeRayEnvironments.shared(settings);
    acquired.add(env);
    return env;
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (KubeRayEnvironment env : acquired) {
      try {
        env.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    acquired.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
