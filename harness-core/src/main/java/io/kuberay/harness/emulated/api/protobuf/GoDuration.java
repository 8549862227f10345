package io.kuberay.harness.emulated.api.protobuf;

import java.math.BigDecimal;

/**
 * Go's {@code time.Duration.String()}, the JSON of metav1.Duration: {@code 1h2m3.5s}, {@code
 * 1.5ms}, {@code 0s}.
 */
final class GoDuration {

  private GoDuration() {}

  static String format(long nanos) {
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
        return sign + plain(n.movePointLeft(3)) + "µs";
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
}
