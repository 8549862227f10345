package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CrashBackOffTest {

  @Test
  @DisplayName("10 s before the first restart, doubled each time, at most 5 min (the kubelet's)")
  void delays() {
    assertThat(IntStream.range(0, 8).mapToObj(CrashBackOff::delay).map(Duration::toSeconds))
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
  }

  @Test
  @DisplayName("a pod that is gone ends the back-off at once, without a restart")
  void goneEndsIt() {
    assertThat(CrashBackOff.await(5, () -> true)).isFalse();
  }
}
