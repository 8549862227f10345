package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's back-off between two tries of a failed volume mount (its volume manager's {@code
 * exponentialbackoff}): 500 ms after the first failure, doubled after each next one, at most 2 min
 * 2 s. Every failure is a Warning {@code FailedMount} event on the pod (the event recorder turns
 * the repeats into a count, {@code x5 over 31s}); the pod starts on the first try that succeeds. A
 * pod that goes (deleted, or the node closes) stops the tries at once.
 */
final class MountBackOff {

  static final Duration INITIAL = Duration.ofMillis(500);
  static final Duration MAX = Duration.ofMinutes(2).plusSeconds(2);

  /** How often a wait looks whether the pod went. */
  private static final Duration GONE_POLL = Duration.ofMillis(100);

  private static final Logger logger = LoggerFactory.getLogger(MountBackOff.class);

  private final Duration initial;
  private final Duration max;
  private Duration current = Duration.ZERO;

  MountBackOff() {
    this(INITIAL, MAX);
  }

  /** For tests: shorter delays. */
  MountBackOff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "a mount back-off needs 0 < initial <= max, was initial " + initial + ", max " + max);
    }
    this.initial = initial;
    this.max = max;
  }

  /**
   * The pod's own mount namespace (its volumes where its containers see them), tried until it can
   * be set up (its script timed out under load, say); empty when the pod went.
   */
  static Optional<PodProcesses> podNamespace(
      PodFilesystems files, Pod pod, PodRuntime.PodLifecycle lifecycle, BooleanSupplier gone) {
    return new MountBackOff()
        .untilMounted(what(pod), () -> PodProcesses.forPod(files, pod, null), lifecycle, gone);
  }

  /** As {@link #podNamespace}, when a first try, made elsewhere, failed with {@code first}. */
  static Optional<PodProcesses> podNamespaceAfter(
      RuntimeException first,
      PodFilesystems files,
      Pod pod,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier gone) {
    return new MountBackOff()
        .afterFailure(
            first, what(pod), () -> PodProcesses.forPod(files, pod, null), lifecycle, gone);
  }

  private static String what(Pod pod) {
    return "the mount namespace of pod " + ObjectKeys.of(pod);
  }

  /** One more failure: the delay before the next try. */
  Duration failed() {
    Duration doubled = current.multipliedBy(2);
    current = current.isZero() ? initial : doubled.compareTo(max) > 0 ? max : doubled;
    return current;
  }

  /**
   * {@code attempt}'s result once a try returns; each try that throws is a {@code FailedMount}
   * event with the exception's message, followed by the back-off. Empty when the pod went.
   *
   * @param what what is being set up, for the log (e.g. "the mount namespace of pod ns/p")
   */
  <T> Optional<T> untilMounted(
      String what, Supplier<T> attempt, PodRuntime.PodLifecycle lifecycle, BooleanSupplier gone) {
    while (!gone.getAsBoolean()) {
      try {
        return Optional.of(attempt.get());
      } catch (RuntimeException e) {
        if (gone.getAsBoolean()) {
          return Optional.empty();
        }
        if (!failedTry(what, e, lifecycle, gone)) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * As {@link #untilMounted}, when a first try, made elsewhere, failed with {@code first}: its
   * event and back-off come first.
   */
  <T> Optional<T> afterFailure(
      RuntimeException first,
      String what,
      Supplier<T> attempt,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier gone) {
    if (gone.getAsBoolean() || !failedTry(what, first, lifecycle, gone)) {
      return Optional.empty();
    }
    return untilMounted(what, attempt, lifecycle, gone);
  }

  /** The event and back-off of a failed try; false when the pod went meanwhile. */
  private boolean failedTry(
      String what, RuntimeException e, PodRuntime.PodLifecycle lifecycle, BooleanSupplier gone) {
    Duration delay = failed();
    logger.warn("Cannot set up {} (tried again in {}): {}", what, delay, e.getMessage());
    lifecycle.warning("FailedMount", String.valueOf(e.getMessage()));
    return await(delay, gone);
  }

  /**
   * Waits {@code delay}; false when the pod went meanwhile (which ends the wait early), true when
   * the next try is due.
   */
  static boolean await(Duration delay, BooleanSupplier gone) {
    try {
      Awaitility.await("mount back-off of a pod (" + delay + ")")
          .pollDelay(Duration.ZERO)
          .pollInterval(delay.compareTo(GONE_POLL) < 0 ? delay : GONE_POLL)
          .atMost(delay)
          .until(gone::getAsBoolean);
      return false;
    } catch (ConditionTimeoutException e) {
      return !gone.getAsBoolean();
    }
  }
}
