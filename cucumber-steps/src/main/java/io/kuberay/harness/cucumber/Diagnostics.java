package io.kuberay.harness.cucumber;

import io.cucumber.java.Scenario;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a failed scenario's diagnostics bundle goes: {@code <root>/<feature>/<scenario>-line<n>}.
 */
final class Diagnostics {

  private Diagnostics() {}

  /**
   * {@code <root>/<feature file name>/<scenario name>-line<n>}, with names reduced to safe
   * characters.
   */
  static Path directoryFor(Path root, Scenario scenario) {
    String uri = scenario.getUri().toString();
    String feature = uri.substring(uri.lastIndexOf('/') + 1).replaceFirst("\\.feature$", "");
    String line = scenario.getLine() == null ? "" : "-line" + scenario.getLine();
    return root.resolve(safe(feature)).resolve(safe(scenario.getName()) + line);
  }

  static String safe(String name) {
    String s =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "unnamed" : s.length() > 80 ? s.substring(0, 80) : s;
  }
}
