package io.kuberay.harness.ray.process;

import java.nio.file.Path;
import java.util.Optional;

/** Where the harness keeps its per-user files, read from a system property or an environment variable. */
final class HarnessDirs {

  static final String CACHE_DIR_PROPERTY = "kuberay.cache.dir";
  static final String CACHE_DIR_ENV = "KUBERAY_CACHE_DIR";

  private HarnessDirs() {}

  /** The per-user cache directory: {@code kuberay.cache.dir}, else {@code KUBERAY_CACHE_DIR}, else {@code ~/.cache/kuberay-harness}. */
  static Path cacheDir() {
    return setting(CACHE_DIR_PROPERTY, CACHE_DIR_ENV)
        .map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "kuberay-harness"))
        .toAbsolutePath();
  }

  /** A non-blank system property, else a non-blank environment variable. */
  static Optional<String> setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
