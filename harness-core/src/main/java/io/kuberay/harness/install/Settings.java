package io.kuberay.harness.install;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads a harness setting the way every other one is read: a system property ({@code kuberay.operator.image})
 * first, then the environment variable of the same name in upper snake case ({@code KUBERAY_OPERATOR_IMAGE}).
 */
public final class Settings {

  private Settings() {}

  /** The value, trimmed, or empty when unset or blank. */
  public static Optional<String> get(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** {@code true} only for the text {@code true}, ignoring case. */
  public static boolean flag(String property) {
    return get(property).map(Boolean::parseBoolean).orElse(false);
  }
}
