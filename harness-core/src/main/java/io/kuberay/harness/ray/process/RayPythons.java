package io.kuberay.harness.ray.process;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The setting {@value #PROPERTY} ({@code KUBERAY_RAY_PYTHONS}): Ray versions mapped to interpreters
 * that already have them, e.g. {@code
 * 2.9.0=/opt/ray-2.9/bin/python,2.46.0=/opt/ray-2.46/bin/python}. A mapped version is never
 * provisioned: the way to run a version the harness cannot install (offline, a private build).
 */
final class RayPythons {

  static final String PROPERTY = "kuberay.ray.pythons";

  private RayPythons() {}

  /** The interpreter mapped to {@code rayVersion}, if any. */
  static Optional<String> forVersion(String rayVersion) {
    return HarnessDirs.setting(PROPERTY).map(RayPythons::parse).map(m -> m.get(rayVersion));
  }

  /**
   * Reads {@code version=python[,version=python...]}.
   *
   * @throws IllegalArgumentException naming the setting, the bad entry and the expected form
   */
  static Map<String, String> parse(String value) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String version = eq < 0 ? "" : entry.substring(0, eq).trim();
      String python = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (!version.matches("\\d+\\.\\d+\\.\\d+") || python.isEmpty()) {
        throw new IllegalArgumentException(
            PROPERTY
                + " (or KUBERAY_RAY_PYTHONS) has '"
                + entry.trim()
                + "', expected entries like 2.9.0=/opt/ray-2.9/bin/python, separated by commas");
      }
      map.put(version, python);
    }
    return map;
  }
}
