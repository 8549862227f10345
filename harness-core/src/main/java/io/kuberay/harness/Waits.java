package io.kuberay.harness;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.IterativePollInterval;
import org.awaitility.pollinterval.PollInterval;

/**
 * Every wait of the harness: bounded, polling a supplier, and failing with a message that names the
 * object, the expectation, the last state seen and the timeout.
 */
public final class Waits {

  private static final Duration MAX_POLL = Duration.ofMillis(25);

  /**
   * Polls 2, 4, 8, 16 ms apart, then every 25 ms: most emulated conditions hold within a few
   * milliseconds (a reconcile on another thread), and a fixed 25 ms made each such wait cost 12 ms
   * on average; a slow condition is still polled no more often than every 25 ms.
   */
  static final PollInterval POLL =
      IterativePollInterval.iterative(
          last -> last.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : last.multipliedBy(2),
          Duration.ofMillis(1));

  private Waits() {}

  /**
   * Waits until {@code condition} holds for the value {@code poll} returns, and returns that value.
   *
   * @param object what is waited on, e.g. {@code RayCluster default/raycluster-kuberay}
   * @param expectation what should become true, e.g. {@code state ready}
   * @param describe renders the last value seen for the failure message
   * @param failFast a state after which waiting is pointless (e.g. a terminal status), or null
   * @throws WaitTimeoutException when the timeout passes or {@code failFast} holds
   */
  public static <T> T until(
      String object,
      String expectation,
      Duration timeout,
      Supplier<T> poll,
      Predicate<T> condition,
      Function<T, String> describe,
      Predicate<T> failFast) {
    Optional<T> already = holdsAlready(poll, condition, failFast);
    if (already.isPresent()) {
      return already.get();
    }
    AtomicReference<T> last = new AtomicReference<>();
    AtomicReference<RuntimeException> lastError = new AtomicReference<>();
    long start = System.nanoTime();
    try {
      Awaitility.await(object)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL)
          .until(
              () -> {
                T value;
                try {
                  value = poll.get();
                  lastError.set(null);
                } catch (RuntimeException e) {
                  lastError.set(e);
                  return false;
                }
                last.set(value);
                if (value != null && failFast != null && failFast.test(value)) {
                  throw new FailFast();
                }
                return value != null && condition.test(value);
              });
      return last.get();
    } catch (ConditionTimeoutException e) {
      throw new WaitTimeoutException(
          message(
              object,
              expectation,
              "did not happen within " + timeout,
              last.get(),
              describe,
              lastError.get()));
    } catch (FailFast e) {
      throw new WaitTimeoutException(
          message(
              object,
              expectation,
              "cannot happen any more (after "
                  + Duration.ofNanos(System.nanoTime() - start).toMillis()
                  + " ms of "
                  + timeout
                  + ")",
              last.get(),
              describe,
              null));
    }
  }

  /**
   * The value when the condition holds at the first look: answered on the caller's thread, without
   * starting Awaitility's poller (about half a millisecond). Anything else, failures included, goes
   * the full way.
   */
  private static <T> Optional<T> holdsAlready(
      Supplier<T> poll, Predicate<T> condition, Predicate<T> failFast) {
    try {
      T value = poll.get();
      boolean done =
          value != null && (failFast == null || !failFast.test(value)) && condition.test(value);
      return done ? Optional.of(value) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static <T> String message(
      String object,
      String expectation,
      String what,
      T last,
      Function<T, String> describe,
      RuntimeException error) {
    String seen = last == null ? "nothing (the object was not found)" : describe.apply(last);
    String text =
        object + ": expected " + expectation + ", but it " + what + ". Last state seen: " + seen;
    return error == null ? text : text + ". Last error: " + error.getMessage();
  }

  /** Thrown out of the Awaitility condition to stop waiting early. */
  private static final class FailFast extends RuntimeException {
    FailFast() {
      super(null, null, false, false);
    }
  }
}
