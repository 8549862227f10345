package io.kuberay.harness.settings;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one place settings are read from outside the code. Precedence, highest first: a system
 * property ({@code -Dkuberay.backend=k3s}), a JUnit configuration parameter ({@code
 * junit-platform.properties} or {@code -D} on the launcher; installed by the JUnit extension), the
 * environment variable ({@code KUBERAY_BACKEND}), then the caller's default. A system property wins
 * over the configuration parameter so that one run can override a project's {@code
 * junit-platform.properties} without editing it; the environment variable comes last because it is
 * the widest scope (a whole shell or CI job). Blank values count as unset.
 *
 * <p>Internal: the user-facing form is the property names in {@link Setting} and
 * docs/CONFIGURATION.md.
 */
public final class SettingsReader {

  private static volatile SettingsReader current =
      new SettingsReader(System::getProperty, Map.of(), System::getenv);

  private final UnaryOperator<String> properties;
  private final Map<Setting, String> parameters;
  private final UnaryOperator<String> environment;

  SettingsReader(
      UnaryOperator<String> properties,
      Map<Setting, String> parameters,
      UnaryOperator<String> environment) {
    this.properties = properties;
    this.parameters = Map.copyOf(parameters);
    this.environment = environment;
  }

  /**
   * A reader of the given properties alone: no configuration parameters, no environment (tests,
   * tools).
   */
  public static SettingsReader ofProperties(UnaryOperator<String> properties) {
    return new SettingsReader(properties, Map.of(), name -> null);
  }

  /**
   * The reader of this JVM: system properties, the installed configuration parameters, the
   * environment.
   */
  public static SettingsReader current() {
    return current;
  }

  /**
   * Takes every registered setting that {@code lookup} knows (JUnit's configuration parameters) as
   * the layer between system properties and environment variables; replaces the layer installed
   * before.
   */
  public static void useConfigurationParameters(Function<String, Optional<String>> lookup) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      lookup
          .apply(setting.key())
          .filter(v -> !v.isBlank())
          .ifPresent(v -> values.put(setting, v.trim()));
    }
    current = new SettingsReader(System::getProperty, values, System::getenv);
  }

  /** The configuration-parameter layer. */
  Map<Setting, String> parameters() {
    return parameters;
  }

  /** Puts back a reader taken with {@link #current()} (tests). */
  static void restore(SettingsReader reader) {
    current = reader;
  }

  /** The value, trimmed, or empty when unset or blank everywhere. */
  public Optional<String> value(Setting setting) {
    String value = properties.apply(setting.key());
    if (isBlank(value)) {
      value = parameters.get(setting);
    }
    if (isBlank(value)) {
      value = environment.apply(setting.envVariable());
    }
    return isBlank(value) ? Optional.empty() : Optional.of(value.trim());
  }

  /** {@link #value(Setting)} of the current reader. */
  public static Optional<String> get(Setting setting) {
    return current.value(setting);
  }

  /** {@code true} only for the text {@code true}, ignoring case. */
  public static boolean flag(Setting setting) {
    return get(setting).map(Boolean::parseBoolean).orElse(false);
  }

  /**
   * {@code value} of {@code setting} as a whole number from {@code min} to {@code max}; the
   * setting's default when unset.
   *
   * @param range the allowed range as the error states it, e.g. {@code 0 (none) to 16}
   * @throws IllegalArgumentException naming the setting, its variable, the range, the value and the
   *     default when the value is not a whole number in range
   */
  public static int wholeNumber(
      Setting setting, Optional<String> value, int min, int max, String range) {
    if (value.isEmpty()) {
      return Integer.parseInt(setting.defaultValue());
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        setting.key()
            + " (or "
            + setting.envVariable()
            + ") must be a whole number from "
            + range
            + ", was '"
            + value.get()
            + "'; the default is "
            + setting.defaultValue());
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
