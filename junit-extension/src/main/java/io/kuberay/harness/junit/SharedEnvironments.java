package io.kuberay.harness.junit;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lives in the root store: holds one lease per settings on the process-wide shared environments for
 * the whole test run and releases them when the run ends. An environment another run (e.g. an outer
 * one that launched this run through EngineTestKit) still holds stays open. Starting is serialised,
 * so parallel classes with equal settings start one.
 */
final class SharedEnvironments implements AutoCloseable {

  private final Map<EnvironmentSettings, KubeRayEnvironments.Lease> leases = new LinkedHashMap<>();

  synchronized KubeRayEnvironment acquire(EnvironmentSettings settings) {
    KubeRayEnvironments.Lease lease = leases.get(settings);
    if (lease == null || lease.environment().isClosed()) {
      lease = KubeRayEnvironments.acquire(settings);
      leases.put(settings, lease);
    }
    return lease.environment();
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (KubeRayEnvironments.Lease lease : leases.values()) {
      try {
        lease.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    leases.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
