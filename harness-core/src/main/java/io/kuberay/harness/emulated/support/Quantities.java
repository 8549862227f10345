package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;

/**
 * Sums resource quantities and renders them canonically, as Go's {@code resource.Quantity.String()}
 * would.
 */
public final class Quantities {

  private static final String[] DECIMAL = {"", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  public static String sum(List<Quantity> quantities) {
    BigDecimal total = BigDecimal.ZERO;
    boolean binary = false;
    for (Quantity q : quantities) {
      total = total.add(Quantity.getAmountInBytes(q));
      binary |= q.getFormat() != null && q.getFormat().endsWith("i");
    }
    return render(
        total, binary && !quantities.isEmpty() && quantities.get(0).getFormat().endsWith("i"));
  }

  static String render(BigDecimal amount, boolean binary) {
    if (amount.signum() == 0) {
      return "0";
    }
    if (amount.stripTrailingZeros().scale() > 0) {
      BigDecimal millis = amount.multiply(BigDecimal.valueOf(1000));
      return millis.stripTrailingZeros().toPlainString() + "m";
    }
    BigDecimal base = BigDecimal.valueOf(binary ? 1024 : 1000);
    String[] suffixes = binary ? BINARY : DECIMAL;
    int i = 0;
    BigDecimal value = amount;
    while (i < suffixes.length - 1
        && value.remainder(base).signum() == 0
        && value.compareTo(base) >= 0) {
      value = value.divide(base);
      i++;
    }
    return value.toBigInteger() + suffixes[i];
  }
}
