package io.kuberay.harness.emulated.node.runtime;

import java.time.Duration;

/** A {@link PodRuntime.PodLifecycle} that passes every callback on; subclasses add to some. */
class ForwardingLifecycle implements PodRuntime.PodLifecycle {

  private final PodRuntime.PodLifecycle delegate;

  ForwardingLifecycle(PodRuntime.PodLifecycle delegate) {
    this.delegate = delegate;
  }

  @Override
  public void initContainersDone() {
    delegate.initContainersDone();
  }

  @Override
  public void containersStarted() {
    delegate.containersStarted();
  }

  @Override
  public void readiness(boolean ready) {
    delegate.readiness(ready);
  }

  @Override
  public void exited(int exitCode, String reason) {
    delegate.exited(exitCode, reason);
  }

  @Override
  public void terminated(int exitCode, String reason) {
    delegate.terminated(exitCode, reason);
  }

  @Override
  public void restarted(int restartCount) {
    delegate.restarted(restartCount);
  }

  @Override
  public void sidecarExited(String container, int exitCode, Duration backOff) {
    delegate.sidecarExited(container, exitCode, backOff);
  }

  @Override
  public void sidecarRunning(String container, int restartCount) {
    delegate.sidecarRunning(container, restartCount);
  }

  @Override
  public void normal(String reason, String message) {
    delegate.normal(reason, message);
  }

  @Override
  public void imageUnavailable(String reason, String message) {
    delegate.imageUnavailable(reason, message);
  }

  @Override
  public void warning(String reason, String message) {
    delegate.warning(reason, message);
  }

  @Override
  public void configError(String message) {
    delegate.configError(message);
  }

  @Override
  public void mountsUnavailable(String message) {
    delegate.mountsUnavailable(message);
  }
}
