package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.k3s.KeptNodeLimit.Kept;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeptNodeLimitTest {

  private static Kept kept(String id, String configuration, long minute) {
    return new Kept(id, configuration, FileTime.fromMillis(minute * 60_000), false);
  }

  private static Kept stopped(String id, String configuration, long minute) {
    return new Kept(id, configuration, FileTime.fromMillis(minute * 60_000), true);
  }

  @Test
  @DisplayName("beyond the limit: the least recently used others, counting the one about to start")
  void leastRecentlyUsedGo() {
    List<Kept> all =
        List.of(
            kept("a", "000000000000000a", 1),
            kept("b", "000000000000000b", 5),
            kept("c", "000000000000000c", 3),
            kept("d", "000000000000000d", 4));

    assertThat(KeptNodeLimit.beyondLimit(all, "00000000000000ff", 3))
        .extracting(Kept::id)
        .containsExactly("c", "a");
    assertThat(KeptNodeLimit.beyondLimit(all, "00000000000000ff", 1))
        .extracting(Kept::id)
        .containsExactly("b", "d", "c", "a");
    assertThat(KeptNodeLimit.beyondLimit(all, "00000000000000ff", 5)).isEmpty();
  }

  @Test
  @DisplayName(
      "the configuration about to start is not counted; stopped containers always go, its own included")
  void stoppedGoRunningStartingStays() {
    List<Kept> all =
        List.of(
            kept("running-same", "000000000000000a", 1),
            stopped("stopped-same", "000000000000000a", 9),
            kept("other", "000000000000000b", 2),
            stopped("stopped-other", "000000000000000c", 8));

    assertThat(KeptNodeLimit.beyondLimit(all, "000000000000000a", 2))
        .extracting(Kept::id)
        .containsExactly("stopped-same", "stopped-other");
    assertThat(KeptNodeLimit.beyondLimit(all, "000000000000000a", 1))
        .extracting(Kept::id)
        .containsExactly("stopped-same", "stopped-other", "other");
  }

  @Test
  @DisplayName("kuberay.k3s.reuse.keep: default when unset, a whole number from 1 to 32 otherwise")
  void parse() {
    assertThat(KeptNodeLimit.parse(Optional.empty())).isEqualTo(3);
    assertThat(KeptNodeLimit.parse(Optional.of("1"))).isEqualTo(1);
    assertThat(KeptNodeLimit.parse(Optional.of("32"))).isEqualTo(32);
    for (String bad : List.of("0", "33", "two", "-1")) {
      assertThatThrownBy(() -> KeptNodeLimit.parse(Optional.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("kuberay.k3s.reuse.keep")
          .hasMessageContaining("from 1 to 32")
          .hasMessageContaining("was '" + bad + "'");
    }
  }
}
