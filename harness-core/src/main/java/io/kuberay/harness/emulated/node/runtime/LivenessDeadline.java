package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a kubelet lets a started container fail its liveness probe before it kills it: the
 * probe's initial delay, then {@code failureThreshold} failed probes {@code periodSeconds} apart
 * (Kubernetes' defaults 0, 3 and 10). A container without a liveness probe is never killed for
 * being unhealthy: it stays running and not ready.
 */
final class LivenessDeadline {

  private LivenessDeadline() {}

  static Optional<Duration> of(Container container) {
    Probe probe = container.getLivenessProbe();
    if (probe == null) {
      return Optional.empty();
    }
    long initialDelay = orDefault(probe.getInitialDelaySeconds(), 0);
    long period = orDefault(probe.getPeriodSeconds(), 10);
    long failures = orDefault(probe.getFailureThreshold(), 3);
    return Optional.of(Duration.ofSeconds(initialDelay + period * failures));
  }

  private static long orDefault(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
