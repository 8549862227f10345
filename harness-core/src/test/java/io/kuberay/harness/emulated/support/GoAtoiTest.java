package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's strconv.Atoi on a 64-bit platform: what it accepts and what it returns an error for. */
class GoAtoiTest {

  @Test
  @DisplayName("a sign and ASCII digits read as Go reads them, to int64's ends")
  void readsSignedDecimals() {
    assertThat(GoAtoi.parse("300")).hasValue(300);
    assertThat(GoAtoi.parse("+7")).hasValue(7);
    assertThat(GoAtoi.parse("-0")).hasValue(0);
    assertThat(GoAtoi.parse("007")).hasValue(7);
    assertThat(GoAtoi.parse("3000000000")).hasValue(3_000_000_000L);
    assertThat(GoAtoi.parse("9223372036854775807")).hasValue(Long.MAX_VALUE);
    assertThat(GoAtoi.parse("-9223372036854775808")).hasValue(Long.MIN_VALUE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "+",
        "-",
        " 5",
        "5 ",
        "1_000",
        "0x10",
        "1.5",
        "5s",
        "++5",
        "\u0665",
        "9223372036854775808",
        "-9223372036854775809"
      })
  @DisplayName("anything else, out-of-range numbers and non-ASCII digits included, is an error")
  void rejectsTheRest(String text) {
    assertThat(GoAtoi.parse(text)).isEmpty();
  }

  @Test
  void noTextIsNoNumber() {
    assertThat(GoAtoi.parse(null)).isEmpty();
  }
}
