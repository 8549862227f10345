package io.kuberay.harness.emulated.support;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.Duration} as text: {@link #format} is {@code Duration.String()} ({@code
 * 1h2m3.5s}, {@code 1.5ms}, {@code 0s}; also the JSON of metav1.Duration), {@link #parse} is {@code
 * time.ParseDuration} (a possibly signed sequence of decimal numbers, each with an optional
 * fraction and a unit: ns, us or µs, ms, s, m, h; {@code "0"} alone needs none), rule for rule as
 * Go 1.x's {@code time/format.go} has them, its error texts included.
 */
public final class GoDuration {

  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // U+00B5 micro sign
          "\u03bcs", 1_000L, // U+03BC Greek small letter mu
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
  private static final BigInteger MAX_FRACTION = TWO_63.subtract(BigInteger.ONE);

  private GoDuration() {}

  /** {@code Duration.String()} of a java.time.Duration, to the nanosecond it holds. */
  public static String format(Duration d) {
    BigInteger nanos =
        BigInteger.valueOf(d.getSeconds())
            .multiply(BigInteger.valueOf(1_000_000_000L))
            .add(BigInteger.valueOf(d.getNano()));
    // Go's Duration is an int64 of nanoseconds: a longer one does not exist there.
    return format(nanos.longValue());
  }

  /** {@code Duration.String()} of an int64 nanosecond count. */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    BigDecimal n = BigDecimal.valueOf(nanos).abs();
    if (n.compareTo(BigDecimal.valueOf(1_000_000_000L)) < 0) {
      if (n.compareTo(BigDecimal.valueOf(1_000)) < 0) {
        return sign + n.toPlainString() + "ns";
      }
      if (n.compareTo(BigDecimal.valueOf(1_000_000)) < 0) {
        return sign + plain(n.movePointLeft(3)) + "\u00b5s";
      }
      return sign + plain(n.movePointLeft(6)) + "ms";
    }
    BigDecimal seconds = n.movePointLeft(9);
    long whole = seconds.longValue();
    long hours = whole / 3600;
    long minutes = whole % 3600 / 60;
    BigDecimal rest = seconds.subtract(BigDecimal.valueOf(hours * 3600 + minutes * 60));
    StringBuilder out = new StringBuilder(sign);
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    return out.append(plain(rest)).append('s').toString();
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  /**
   * {@code time.ParseDuration}: the nanoseconds, or an {@link IllegalArgumentException} with Go's
   * error text ({@code time: invalid duration "x"}, {@code time: missing unit in duration "300"},
   * {@code time: unknown unit "d" in duration "1d"}).
   */
  public static long parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw error("invalid duration", text);
    }
    BigInteger total = BigInteger.ZERO;
    while (!s.isEmpty()) {
      char c = s.charAt(0);
      if (!(c == '.' || c >= '0' && c <= '9')) {
        throw error("invalid duration", text);
      }
      int i = digits(s, 0);
      BigInteger value = i == 0 ? BigInteger.ZERO : new BigInteger(s.substring(0, i));
      if (value.compareTo(TWO_63) > 0) {
        throw error("invalid duration", text); // leadingInt's overflow
      }
      boolean pre = i > 0;
      s = s.substring(i);
      BigInteger fraction = BigInteger.ZERO;
      double scale = 1;
      boolean post = false;
      if (!s.isEmpty() && s.charAt(0) == '.') {
        s = s.substring(1);
        int end = digits(s, 0);
        post = end > 0;
        // leadingFraction: stops taking precision before it would overflow.
        for (int k = 0; k < end; k++) {
          BigInteger next =
              fraction.multiply(BigInteger.TEN).add(BigInteger.valueOf(s.charAt(k) - '0'));
          if (fraction.compareTo(MAX_FRACTION.divide(BigInteger.TEN)) > 0
              || next.compareTo(TWO_63) > 0) {
            break;
          }
          fraction = next;
          scale *= 10;
        }
        s = s.substring(end);
      }
      if (!pre && !post) {
        throw error("invalid duration", text);
      }
      int u = 0;
      while (u < s.length() && s.charAt(u) != '.' && !(s.charAt(u) >= '0' && s.charAt(u) <= '9')) {
        u++;
      }
      if (u == 0) {
        throw error("missing unit in duration", text);
      }
      String name = s.substring(0, u);
      s = s.substring(u);
      Long unit = UNITS.get(name);
      if (unit == null) {
        throw error("unknown unit " + quote(name) + " in duration", text);
      }
      if (value.compareTo(TWO_63.divide(BigInteger.valueOf(unit))) > 0) {
        throw error("invalid duration", text);
      }
      value = value.multiply(BigInteger.valueOf(unit));
      if (fraction.signum() > 0) {
        // float64, as Go computes it: nanosecond-accurate for fractions of an hour.
        double part = fraction.doubleValue() * ((double) unit / scale);
        value = value.add(new BigDecimal(part).toBigInteger());
        if (value.compareTo(TWO_63) > 0) {
          throw error("invalid duration", text);
        }
      }
      total = total.add(value);
      if (total.compareTo(TWO_63) > 0) {
        throw error("invalid duration", text);
      }
    }
    if (negative) {
      return total.negate().longValue();
    }
    if (total.compareTo(MAX_FRACTION) > 0) {
      throw error("invalid duration", text);
    }
    return total.longValue();
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static IllegalArgumentException error(String what, String text) {
    return new IllegalArgumentException("time: " + what + " " + quote(text));
  }

  /**
   * time's {@code quote}: the text in double quotes, quotes and backslashes escaped, every byte of
   * a control or non-ASCII character as {@code \xhh}.
   */
  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c >= 0x80 || c < ' ') {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                  out.append(String.format("\\x%02x", b & 0xff));
                }
              } else {
                if (c == '"' || c == '\\') {
                  out.append('\\');
                }
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }
}
