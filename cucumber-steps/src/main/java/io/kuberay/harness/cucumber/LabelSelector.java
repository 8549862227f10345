package io.kuberay.harness.cucumber;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An equality label selector as written in a step, {@code
 * "ray.io/cluster=raycluster-kuberay,ray.io/node-type=head"}.
 */
final class LabelSelector {

  // A label key: optional DNS-subdomain prefix and a name; a value: empty or alphanumerics with -_.
  // inside.
  private static final Pattern KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private final Map<String, String> labels;

  private LabelSelector(Map<String, String> labels) {
    this.labels = Collections.unmodifiableMap(labels);
  }

  /**
   * Parses {@code key=value[,key=value…]}; blanks around parts are ignored.
   *
   * @throws IllegalArgumentException naming the part that is not {@code key=value} and the expected
   *     form
   */
  static LabelSelector parse(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      int eq = p.indexOf('=');
      String key = eq < 0 ? p : p.substring(0, eq).strip();
      String value = eq < 0 ? "" : p.substring(eq + 1).strip();
      if (value.startsWith("=")) {
        value = value.substring(1).strip(); // accept "k==v" as kubectl does
      }
      if (eq < 0 || !KEY.matcher(key).matches() || !VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "Label selector \""
                + text
                + "\": '"
                + p
                + "' is not key=value."
                + " Write e.g. \"ray.io/node-type=head\" or \"app=a,tier=b\" (only equality selectors are supported).");
      }
      if (labels.put(key, value) != null) {
        throw new IllegalArgumentException(
            "Label selector \"" + text + "\" names label '" + key + "' twice.");
      }
    }
    return new LabelSelector(labels);
  }

  Map<String, String> labels() {
    return labels;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && other.labels.equals(labels);
  }

  @Override
  public int hashCode() {
    return labels.hashCode();
  }

  /** The kubectl spelling, {@code k=v,k2=v2}. */
  @Override
  public String toString() {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
