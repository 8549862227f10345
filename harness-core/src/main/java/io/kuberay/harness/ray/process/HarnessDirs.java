package io.kuberay.harness.ray.process;

import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.nio.file.Path;
import java.util.Optional;

/** Where the harness keeps its per-user files, read like every setting. */
public final class HarnessDirs {

  static final String CACHE_DIR_PROPERTY = "kuberay.cache.dir";

  private HarnessDirs() {}

  /**
   * The per-user cache directory: {@code kuberay.cache.dir}, else {@code KUBERAY_CACHE_DIR}, else
   * {@code ~/.cache/kuberay-harness}.
   */
  public static Path cacheDir() {
    return setting(CACHE_DIR_PROPERTY)
        .map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "kuberay-harness"))
        .toAbsolutePath();
  }

  /** A registered setting, read through the harness's one settings reader. */
  static Optional<String> setting(String property) {
    return SettingsReader.get(Setting.of(property));
  }
}
