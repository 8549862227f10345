package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WaitsTest {

  @Test
  @DisplayName("a condition that already holds returns the value after one look")
  void holdsAlready() {
    AtomicInteger polls = new AtomicInteger();
    String value =
        Waits.until(
            "thing",
            "ready",
            Duration.ofSeconds(1),
            () -> "ready-" + polls.incrementAndGet(),
            v -> v.startsWith("ready"),
            v -> v,
            null);
    assertThat(value).isEqualTo("ready-1");
    assertThat(polls).hasValue(1);
  }

  @Test
  @DisplayName(
      "a terminal state seen at the first look fails fast, even if the condition would accept it")
  void failFastFirst() {
    assertThatThrownBy(
            () ->
                Waits.until(
                    "job",
                    "state done",
                    Duration.ofSeconds(5),
                    () -> "failed",
                    v -> true,
                    v -> v,
                    "failed"::equals))
        .isInstanceOf(WaitTimeoutException.class)
        .hasMessageStartingWith("job: expected state done, but it cannot happen any more (after ")
        .hasMessageEndingWith("Last state seen: failed");
  }

  @Test
  @DisplayName(
      "a condition that becomes true later is waited for; one that never does times out with the last state")
  void pollsAndTimesOut() {
    AtomicInteger polls = new AtomicInteger();
    assertThat(
            Waits.until(
                "counter",
                "3",
                Duration.ofSeconds(5),
                polls::incrementAndGet,
                n -> n >= 3,
                String::valueOf,
                null))
        .isEqualTo(3);
    assertThatThrownBy(
            () ->
                Waits.until(
                    "counter",
                    "never",
                    Duration.ofMillis(100),
                    () -> 7,
                    n -> false,
                    String::valueOf,
                    null))
        .isInstanceOf(WaitTimeoutException.class)
        .hasMessage(
            "counter: expected never, but it did not happen within PT0.1S. Last state seen: 7");
  }

  @Test
  @DisplayName("polls soon at first (a reconcile on another thread is quick), then every 25 ms")
  void pollIntervals() {
    List<Long> intervals = new ArrayList<>();
    Duration last = Duration.ZERO;
    for (int poll = 1; poll <= 8; poll++) {
      last = Waits.POLL.next(poll, last);
      intervals.add(last.toMillis());
    }
    assertThat(intervals).containsExactly(2L, 4L, 8L, 16L, 25L, 25L, 25L, 25L);
  }
}
