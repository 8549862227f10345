package io.kuberay.harness.emulated.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** metav1.Duration's JSON is Go's time.Duration.String(); values from Go's own documentation. */
class GoDurationTest {

  @Test
  void formatsAsGoDoes() {
    assertThat(GoDuration.format(0)).isEqualTo("0s");
    assertThat(GoDuration.format(1)).isEqualTo("1ns");
    assertThat(GoDuration.format(1_100)).isEqualTo("1.1µs");
    assertThat(GoDuration.format(2_200_000)).isEqualTo("2.2ms");
    assertThat(GoDuration.format(3_300_000_000L)).isEqualTo("3.3s");
    assertThat(GoDuration.format(600_000_000_000L)).isEqualTo("10m0s");
    assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(4_000_000_000_000L + 500_000_000L)).isEqualTo("1h6m40.5s");
    assertThat(GoDuration.format(-90_000_000_000L)).isEqualTo("-1m30s");
  }
}
