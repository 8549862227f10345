package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go's time.Duration.String() and time.ParseDuration; the expected values are what Go 1.26's {@code
 * time} package answers for the same input.
 */
class GoDurationTest {

  @Test
  void formatsAsGoDoes() {
    assertThat(GoDuration.format(0)).isEqualTo("0s");
    assertThat(GoDuration.format(1)).isEqualTo("1ns");
    assertThat(GoDuration.format(999)).isEqualTo("999ns");
    assertThat(GoDuration.format(1_000)).isEqualTo("1µs");
    assertThat(GoDuration.format(1_100)).isEqualTo("1.1µs");
    assertThat(GoDuration.format(999_999)).isEqualTo("999.999µs");
    assertThat(GoDuration.format(2_200_000)).isEqualTo("2.2ms");
    assertThat(GoDuration.format(999_999_999)).isEqualTo("999.999999ms");
    assertThat(GoDuration.format(1_000_000_000L)).isEqualTo("1s");
    assertThat(GoDuration.format(2_503_456_000L)).isEqualTo("2.503456s");
    assertThat(GoDuration.format(3_300_000_000L)).isEqualTo("3.3s");
    assertThat(GoDuration.format(59_999_999_999L)).isEqualTo("59.999999999s");
    assertThat(GoDuration.format(600_000_000_000L)).isEqualTo("10m0s");
    assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(4_000_000_000_000L + 500_000_000L)).isEqualTo("1h6m40.5s");
    assertThat(GoDuration.format(-90_000_000_000L)).isEqualTo("-1m30s");
    assertThat(GoDuration.format(Long.MAX_VALUE)).isEqualTo("2562047h47m16.854775807s");
    assertThat(GoDuration.format(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    assertThat(GoDuration.format(Duration.ofMillis(35 * 60_000L + 1))).isEqualTo("35m0.001s");
  }

  @ParameterizedTest(name = "ParseDuration(\"{0}\") = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "5m | 300000000000",
        "1h30m | 5400000000000",
        "300ms | 300000000",
        "2s | 2000000000",
        "1.5h | 5400000000000",
        ".5s | 500000000",
        "1.s | 1000000000",
        "-5m | -300000000000",
        "+5m | 300000000000",
        "0 | 0",
        "-0 | 0",
        "+0 | 0",
        "0s | 0",
        "2562047h47m16.854775807s | 9223372036854775807",
        "-2562047h47m16.854775808s | -9223372036854775808",
        "9223372036854775807ns | 9223372036854775807",
        "1.0000000000000000000001s | 1000000000",
        "0.1234567891234s | 123456789",
        "1µs | 1000",
        "1μs | 1000",
        "1us | 1000",
        "3h2m1.0005s | 10921000500000"
      })
  void parsesAsGoDoes(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(nanos);
  }

  @ParameterizedTest(name = "ParseDuration(\"{0}\") fails: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "00 | time: missing unit in duration \"00\"",
        "300 | time: missing unit in duration \"300\"",
        "-100 | time: missing unit in duration \"-100\"",
        "invalid | time: invalid duration \"invalid\"",
        "`` | time: invalid duration \"\"",
        ".s | time: invalid duration \".s\"",
        "-.s | time: invalid duration \"-.s\"",
        "1d | time: unknown unit \"d\" in duration \"1d\"",
        "`5 m` | time: unknown unit \" m\" in duration \"5 m\"",
        "1h-5m | time: unknown unit \"h-\" in duration \"1h-5m\"",
        "2562047h47m16.854775808s | time: invalid duration \"2562047h47m16.854775808s\"",
        "9223372036854775808ns | time: invalid duration \"9223372036854775808ns\"",
        "1e3s | time: unknown unit \"e\" in duration \"1e3s\"",
        "5m30 | time: missing unit in duration \"5m30\"",
        "1.5.5s | time: missing unit in duration \"1.5.5s\"",
        "1\"x | time: unknown unit \"\\\"x\" in duration \"1\\\"x\""
      })
  void refusesAsGoDoes(String text, String error) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }
}
