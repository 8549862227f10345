package io.kuberay.harness.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them: {@code 90s}, {@code 2m}, {@code 500ms}, {@code 1h}, or
 * ISO-8601.
 */
public final class Durations {

  private static final Pattern SIMPLE =
      Pattern.compile("(\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException with the accepted forms when {@code text} is none of them
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2);
      if (unit.startsWith("ms") || unit.startsWith("milli")) {
        return Duration.ofMillis(n);
      }
      if (unit.startsWith("s")) {
        return Duration.ofSeconds(n);
      }
      if (unit.startsWith("m")) {
        return Duration.ofMinutes(n);
      }
      return Duration.ofHours(n);
    }
    try {
      return Duration.parse(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Cannot read duration '" + text + "'. Write e.g. 500ms, 30s, 2m, 1h or PT30S.", e);
    }
  }
}
