package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's retries of a failed mount: the mount namespace whose set-up timed out under load
 * used to be a single FailedMount, after which the pod was given up.
 */
class MountBackOffTest {

  private static final String TIMED_OUT =
      "Mounting the pod's volumes failed (exit 124): [LocalExec] timed out after PT30S, process"
          + " tree killed";

  @Test
  @DisplayName(
      "500 ms after the first failure, doubled each time, at most 2 min 2 s (the kubelet's)")
  void delays() {
    MountBackOff backOff = new MountBackOff();
    assertThat(IntStream.range(0, 10).mapToObj(i -> backOff.failed().toMillis()))
        .containsExactly(
            500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 64_000L, 122_000L, 122_000L);
  }

  @Test
  @DisplayName("a back-off whose first delay is not positive or above its cap is refused")
  void badDelays() {
    assertThatThrownBy(() -> new MountBackOff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < initial <= max");
    assertThatThrownBy(() -> new MountBackOff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName(
      "a mount namespace that timed out is tried again, a FailedMount per failure, until it is set up")
  void retriedUntilMounted() {
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicInteger tries = new AtomicInteger();

    Optional<String> mounted =
        new MountBackOff(Duration.ofMillis(10), Duration.ofMillis(40))
            .untilMounted(
                "the mount namespace of pod t/p",
                () -> {
                  if (tries.incrementAndGet() <= 3) {
                    throw new IllegalStateException(TIMED_OUT);
                  }
                  return "sandbox";
                },
                new Events(events),
                () -> false);

    assertThat(mounted).contains("sandbox");
    assertThat(tries).hasValue(4);
    assertThat(events).hasSize(3).containsOnly("FailedMount: " + TIMED_OUT);
  }

  @Test
  @DisplayName("after a first failure made elsewhere, its event and back-off come before the retry")
  void afterFailure() {
    List<String> events = new CopyOnWriteArrayList<>();

    Optional<String> mounted =
        new MountBackOff(Duration.ofMillis(10), Duration.ofMillis(40))
            .afterFailure(
                new IllegalStateException(TIMED_OUT),
                "the mount namespace of pod t/p",
                () -> "sandbox",
                new Events(events),
                () -> false);

    assertThat(mounted).contains("sandbox");
    assertThat(events).containsExactly("FailedMount: " + TIMED_OUT);
  }

  @Test
  @DisplayName("a pod deleted during the back-off ends it at once: no further try, no thread left")
  void deletedPodEndsTheTries() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicInteger tries = new AtomicInteger();
    AtomicBoolean deleted = new AtomicBoolean();
    // A back-off far longer than the test: only the deletion can end it.
    CompletableFuture<Optional<String>> retrying =
        CompletableFuture.supplyAsync(
            () ->
                new MountBackOff(Duration.ofMinutes(5), Duration.ofMinutes(5))
                    .untilMounted(
                        "the mount namespace of pod t/p",
                        () -> {
                          tries.incrementAndGet();
                          throw new IllegalStateException(TIMED_OUT);
                        },
                        new Events(events),
                        deleted::get));
    await("the first FailedMount of pod t/p")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(events).hasSize(1));

    deleted.set(true);

    assertThat(retrying.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(tries).hasValue(1);
    assertThat(MountBackOff.await(Duration.ofMinutes(5), () -> true)).isFalse();
  }

  /** Records the warning events; nothing else is expected of a mount's retries. */
  private static final class Events implements PodRuntime.PodLifecycle {
    private final List<String> warnings;

    Events(List<String> warnings) {
      this.warnings = warnings;
    }

    @Override
    public void warning(String reason, String message) {
      warnings.add(reason + ": " + message);
    }

    @Override
    public void initContainersDone() {
      throw new AssertionError("unexpected");
    }

    @Override
    public void containersStarted() {
      throw new AssertionError("unexpected");
    }

    @Override
    public void readiness(boolean ready) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void exited(int exitCode, String reason) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void restarted(int restartCount) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void sidecarExited(String container, int exitCode, Duration backOff) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void sidecarRunning(String container, int restartCount) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void normal(String reason, String message) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void imageUnavailable(String reason, String message) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void configError(String message) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void mountsUnavailable(String message) {
      throw new AssertionError("unexpected");
    }
  }
}
