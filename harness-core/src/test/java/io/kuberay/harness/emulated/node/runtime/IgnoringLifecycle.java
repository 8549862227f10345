package io.kuberay.harness.emulated.node.runtime;

import java.time.Duration;

/**
 * A {@link PodRuntime.PodLifecycle} that ignores every callback; tests override what they watch.
 */
class IgnoringLifecycle implements PodRuntime.PodLifecycle {

  @Override
  public void initContainersDone() {}

  @Override
  public void containersStarted() {}

  @Override
  public void readiness(boolean ready) {}

  @Override
  public void exited(int exitCode, String reason) {}

  @Override
  public void restarted(int restartCount) {}

  @Override
  public void sidecarExited(String container, int exitCode, Duration backOff) {}

  @Override
  public void sidecarRunning(String container, int restartCount) {}

  @Override
  public void normal(String reason, String message) {}

  @Override
  public void imageUnavailable(String reason, String message) {}

  @Override
  public void warning(String reason, String message) {}

  @Override
  public void configError(String message) {}

  @Override
  public void mountsUnavailable(String message) {}
}
