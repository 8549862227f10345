package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.KubeRayVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Downloads release data once and keeps it in a local cache ({@code kuberay.manifests.cache},
 * default {@code ~/.cache/kuberay-harness/manifests}); a cached file is used without asking the
 * network again, since released artifacts never change.
 *
 * <p>Charts come from the KubeRay Helm repository's release assets unless {@code
 * kuberay.manifests.url} names a mirror laid out like {@code shared/kuberay} ({@code
 * <url>/<version>/kustomize-default.yaml}, {@code <url>/<version>/charts/<chart>-<number>.tgz}).
 * Upstream publishes no rendered kustomize bundle (only the kustomize sources, which need
 * kustomize), so without a mirror the bundle is the copy rendered into the harness jar.
 */
final class UpstreamManifestSource implements ManifestSource {

  static final String HELM_RELEASES =
      "https://github.com/ray-project/kuberay-helm/releases/download";

  private final Path cacheDir;
  private final Optional<URI> mirror;
  private final HttpClient http;
  private final Duration timeout;

  UpstreamManifestSource(Path cacheDir, Optional<URI> mirror, Duration timeout) {
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.mirror = mirror.map(u -> u.toString().endsWith("/") ? u : URI.create(u + "/"));
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  static Path defaultCacheDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "kuberay-harness", "manifests");
  }

  @Override
  public List<GenericKubernetesResource> kustomizeBundle(KubeRayVersion version) {
    if (mirror.isEmpty()) {
      return new ClasspathManifestSource().kustomizeBundle(version);
    }
    Path file =
        fetch(
            mirror.get().resolve(version + "/kustomize-default.yaml"),
            version + "/kustomize-default.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      return KubeRayManifests.parseYamlStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  @Override
  public Path chart(String chartName, KubeRayVersion version) {
    String file = chartName + "-" + version.number() + ".tgz";
    URI uri =
        mirror
            .map(m -> m.resolve(version + "/charts/" + file))
            .orElseGet(
                () ->
                    URI.create(
                        HELM_RELEASES + "/" + chartName + "-" + version.number() + "/" + file));
    return fetch(uri, version + "/charts/" + file);
  }

  /** The cached copy of {@code uri}, downloading it first when it is not cached yet. */
  Path fetch(URI uri, String relativePath) {
    Path target = cacheDir.resolve(relativePath);
    if (Files.isRegularFile(target)) {
      return target;
    }
    try {
      Files.createDirectories(target.getParent());
      Path partial =
          Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      try {
        HttpResponse<Path> response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofFile(partial));
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode());
        }
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw offline(uri, target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw offline(uri, target, e);
    }
  }

  private static IllegalStateException offline(URI uri, Path target, Exception cause) {
    String why =
        cause.getMessage() == null
            ? cause.getClass().getSimpleName()
            : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new IllegalStateException(
        "Cannot download "
            + uri
            + " ("
            + why
            + ") and there is no cached copy at "
            + target
            + "."
            + " If this machine is offline, point kuberay.manifests.dir at a folder of KubeRay release data"
            + " (<version>/kustomize-default.yaml, <version>/charts/<chart>-<number>.tgz), set kuberay.manifests.url"
            + " to a reachable mirror, or put the file at "
            + target
            + ".",
        cause);
  }

  @Override
  public String describe() {
    return "upstream "
        + mirror.map(URI::toString).orElse(HELM_RELEASES)
        + " (cache "
        + cacheDir
        + ")";
  }
}
