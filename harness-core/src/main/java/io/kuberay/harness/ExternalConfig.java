package io.kuberay.harness;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a setting from outside the code: a system property ({@code kuberay.backend}) first, then the
 * matching environment variable ({@code KUBERAY_BACKEND}).
 */
final class ExternalConfig {

  private final Map<String, String> env;
  private final Function<String, String> properties;

  ExternalConfig(Function<String, String> properties, Map<String, String> env) {
    this.properties = properties;
    this.env = env;
  }

  static ExternalConfig system() {
    return new ExternalConfig(System::getProperty, System.getenv());
  }

  Optional<String> get(String property) {
    String value = properties.apply(property);
    if (value == null || value.isBlank()) {
      value = env.get(envName(property));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  static String envName(String property) {
    return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
