package io.kuberay.harness.emulated.support;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Go's {@code strconv.Atoi} on a 64-bit platform (the operator's images): an optional {@code +} or
 * {@code -} and ASCII decimal digits, nothing else (no white space, no underscores), within int64.
 */
public final class GoAtoi {

  private static final Pattern SYNTAX = Pattern.compile("[+-]?[0-9]+");

  private GoAtoi() {}

  /** The number {@code text} spells, empty where Atoi returns an error (syntax or range). */
  public static OptionalLong parse(String text) {
    if (text == null || !SYNTAX.matcher(text).matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException outOfRange) {
      return OptionalLong.empty();
    }
  }
}
