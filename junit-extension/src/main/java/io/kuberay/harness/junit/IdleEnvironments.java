package io.kuberay.harness.junit;

import io.kuberay.harness.KubeRayEnvironments;

/**
 * Lives in the root store and closes, when the test run ends, the shared environments that its
 * classes released and no one holds any more ({@code kuberay.environments.idle} keeps them open
 * between classes). An environment another run still holds (e.g. an outer one that launched this
 * run through EngineTestKit) stays open.
 */
final class IdleEnvironments implements AutoCloseable {

  @Override
  public void close() {
    KubeRayEnvironments.closeIdle();
  }
}
