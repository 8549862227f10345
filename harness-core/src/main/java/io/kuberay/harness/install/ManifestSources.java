package io.kuberay.harness.install;

import io.kuberay.harness.EnvironmentSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the manifest source: {@code kuberay.manifests.dir} when set (CI: {@code
 * ../shared/kuberay}), else {@code kuberay.manifests.source} ({@code upstream}, the default, or
 * {@code classpath}).
 */
public final class ManifestSources {

  public static final String SOURCE = "kuberay.manifests.source";
  public static final String URL = "kuberay.manifests.url";
  public static final String CACHE = "kuberay.manifests.cache";
  public static final String DOWNLOAD_TIMEOUT = "kuberay.manifests.download.timeout";

  private ManifestSources() {}

  public static ManifestSource select(EnvironmentSettings settings) {
    if (settings.manifestsDir().isPresent()) {
      return directory(settings.manifestsDir().get());
    }
    String source = Settings.get(SOURCE).orElse("upstream").toLowerCase(Locale.ROOT);
    switch (source) {
      case "classpath":
        return classpath();
      case "upstream":
        return upstream(
            Settings.get(CACHE).map(Path::of).orElseGet(UpstreamManifestSource::defaultCacheDir),
            Settings.get(URL).map(URI::create),
            Duration.ofSeconds(Settings.get(DOWNLOAD_TIMEOUT).map(Long::parseLong).orElse(10L)));
      default:
        throw new IllegalArgumentException(
            "Unknown manifest source '"
                + source
                + "' ("
                + SOURCE
                + "). Use upstream or classpath, or set kuberay.manifests.dir.");
    }
  }

  public static ManifestSource directory(Path dir) {
    return new DirectoryManifestSource(dir);
  }

  public static ManifestSource classpath() {
    return new ClasspathManifestSource();
  }

  /**
   * @param cacheDir where downloads are kept
   * @param mirror a base URL laid out like {@code shared/kuberay}, or empty for upstream
   * @param timeout connect and request timeout of each download
   */
  public static ManifestSource upstream(Path cacheDir, Optional<URI> mirror, Duration timeout) {
    return new UpstreamManifestSource(cacheDir, mirror, timeout);
  }
}
