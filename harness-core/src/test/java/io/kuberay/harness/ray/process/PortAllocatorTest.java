package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  @Test
  void workerRangesStayOutOfRayClientServerPorts() {
    // Small ranges, many draws: a draw inside 23000-23999 is likely (1 in 12) if not excluded.
    for (int i = 0; i < 200; i++) {
      int base = PortAllocator.freeRange(4);
      assertThat(base + 3 < 23_000 || base >= 24_000)
          .as("worker range %d-%d overlaps Ray Client's 23000-23999", base, base + 3)
          .isTrue();
    }
  }

  @Test
  void overlapIsJudgedOnTheWholeRange() {
    assertThat(PortAllocator.overlapsClientServers(22_901, 100)).isTrue();
    assertThat(PortAllocator.overlapsClientServers(22_900, 100)).isFalse();
    assertThat(PortAllocator.overlapsClientServers(23_999, 100)).isTrue();
    assertThat(PortAllocator.overlapsClientServers(24_000, 100)).isFalse();
  }
}
