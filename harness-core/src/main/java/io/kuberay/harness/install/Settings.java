package io.kuberay.harness.install;

import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.util.Optional;

/**
 * Reads a registered harness setting by its property name ({@code kuberay.operator.image}) through
 * {@link SettingsReader}: system property, JUnit configuration parameter, environment variable.
 */
public final class Settings {

  private Settings() {}

  /** The value, trimmed, or empty when unset or blank; an unregistered name fails. */
  public static Optional<String> get(String property) {
    return SettingsReader.get(Setting.of(property));
  }

  /** {@code true} only for the text {@code true}, ignoring case. */
  public static boolean flag(String property) {
    return SettingsReader.flag(Setting.of(property));
  }
}
