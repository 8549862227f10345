package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A group's top-level {@code resources} and {@code labels} fields (v1.5.0+) turned into
 * rayStartParams, as {@code updateRayStartParamsResources} and {@code updateRayStartParamsLabels}
 * do before the command is built.
 */
final class GroupRayParams {

  private static final Pattern MIG = Pattern.compile(".*nvidia\\.com/mig-\\d+g\\.\\d+gb$");

  private GroupRayParams() {}

  /**
   * cpu, memory and GPU resources replace num-cpus, memory and num-gpus; the rest become the
   * resources JSON.
   */
  static void applyResources(Map<String, String> params, Map<String, String> groupResources) {
    Map<String, BigDecimal> custom = new TreeMap<>();
    groupResources.forEach(
        (name, text) -> {
          BigDecimal amount;
          try {
            amount = Quantity.getAmountInBytes(new Quantity(text));
          } catch (RuntimeException e) {
            return; // KubeRay logs and skips a quantity it cannot parse
          }
          String normalized = name.toLowerCase(Locale.ROOT);
          // Quantity.Value(): rounded up to a whole number.
          String whole = amount.setScale(0, RoundingMode.CEILING).toPlainString();
          if (normalized.equals("cpu")) {
            params.put("num-cpus", whole);
          } else if (normalized.equals("memory")) {
            params.put("memory", whole);
          } else if (normalized.endsWith("gpu") || MIG.matcher(normalized).matches()) {
            params.put("num-gpus", whole);
          } else {
            custom.put(name, amount);
          }
        });
    if (!custom.isEmpty()) {
      // Go's json.Marshal of a map[string]float64: keys sorted, shortest float form.
      StringJoiner json = new StringJoiner(",", "{", "}");
      custom.forEach((k, v) -> json.add("\"" + k + "\":" + goFloat(v)));
      params.put("resources", "'" + json + "'");
    }
  }

  /** {@code labels}: sorted {@code k=v} pairs joined with commas. */
  static void applyLabels(Map<String, String> params, Map<String, String> groupLabels) {
    if (groupLabels.isEmpty()) {
      return;
    }
    StringJoiner labels = new StringJoiner(",");
    new TreeMap<>(groupLabels).forEach((k, v) -> labels.add(k + "=" + v));
    params.put("labels", labels.toString());
  }

  private static String goFloat(BigDecimal v) {
    BigDecimal stripped = v.stripTrailingZeros();
    return stripped.scale() <= 0
        ? stripped.toBigInteger().toString()
        : Double.toString(stripped.doubleValue());
  }
}
