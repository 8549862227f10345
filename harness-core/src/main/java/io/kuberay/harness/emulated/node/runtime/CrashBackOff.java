package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The kubelet's crash back-off before a container restarts: 10 s, doubled each time, at most 5 min.
 */
final class CrashBackOff {

  private CrashBackOff() {}

  /**
   * The kubelet's BackOff event text for {@code container} ({@code container x}, {@code init
   * container x}) of {@code pod}.
   */
  static String event(String container, Pod pod) {
    return "Back-off restarting failed " + container + " in pod " + ObjectKeys.kubeletRef(pod);
  }

  /** The delay before restart number {@code restarts + 1}. */
  static Duration delay(int restarts) {
    return Duration.ofMillis(Math.min(300_000L, 10_000L << Math.min(restarts, 5)));
  }

  /**
   * Waits the back-off before restart number {@code restarts + 1}; false when the pod went
   * meanwhile (which ends the wait early), true when the restart is due.
   */
  static boolean await(int restarts, BooleanSupplier gone) {
    try {
      Awaitility.await("crash back-off of a container (restart " + (restarts + 1) + ")")
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .atMost(delay(restarts))
          .until(gone::getAsBoolean);
      return false;
    } catch (ConditionTimeoutException e) {
      return !gone.getAsBoolean();
    }
  }
}
