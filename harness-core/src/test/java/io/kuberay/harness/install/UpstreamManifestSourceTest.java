package io.kuberay.harness.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kuberay.harness.KubeRayVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamManifestSourceTest {

  private static final String BUNDLE =
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: kuberay-operator
        namespace: default
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: kuberay-operator
        namespace: default
      """;

  @TempDir Path cache;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/mirror/",
        exchange -> {
          requests.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          byte[] body =
              path.endsWith("/v1.5.0/kustomize-default.yaml")
                  ? BUNDLE.getBytes(StandardCharsets.UTF_8)
                  : path.endsWith("/v1.5.0/charts/ray-cluster-1.5.0.tgz")
                      ? new byte[] {1, 2, 3}
                      : null;
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI mirror() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mirror");
  }

  @Test
  @DisplayName("downloads once into the cache and serves later reads from it without the network")
  void cachesDownloads() {
    ManifestSource source =
        ManifestSources.upstream(cache, Optional.of(mirror()), Duration.ofSeconds(5));

    assertThat(source.kustomizeBundle(KubeRayVersion.V1_5_0))
        .extracting(o -> o.getKind())
        .containsExactly("ServiceAccount", "Deployment");
    Path chart = source.chart("ray-cluster", KubeRayVersion.V1_5_0);
    assertThat(chart)
        .isEqualTo(cache.resolve("v1.5.0/charts/ray-cluster-1.5.0.tgz"))
        .hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(requests).hasValue(2);

    server.stop(0);
    ManifestSource offline =
        ManifestSources.upstream(cache, Optional.of(mirror()), Duration.ofSeconds(5));
    assertThat(offline.chart("ray-cluster", KubeRayVersion.V1_5_0)).isEqualTo(chart);
    assertThat(offline.kustomizeBundle(KubeRayVersion.V1_5_0)).hasSize(2);
  }

  @Test
  @DisplayName(
      "offline without a cached copy: fails fast naming the URL, the cache path and kuberay.manifests.dir")
  void offlineWithoutCache() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ManifestSource source =
        ManifestSources.upstream(
            cache,
            Optional.of(URI.create("http://127.0.0.1:" + closedPort + "/kuberay")),
            Duration.ofSeconds(2));
    long start = System.nanoTime();

    assertThatThrownBy(() -> source.chart("kuberay-operator", KubeRayVersion.V1_1_0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "Cannot download http://127.0.0.1:"
                + closedPort
                + "/kuberay/v1.1.0/charts/kuberay-operator-1.1.0.tgz")
        .hasMessageContaining(
            "no cached copy at " + cache.resolve("v1.1.0/charts/kuberay-operator-1.1.0.tgz"))
        .hasMessageContaining("kuberay.manifests.dir");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(Files.list(cache.resolve("v1.1.0/charts")))
        .as("no partial file left behind")
        .isEmpty();
  }

  @Test
  @DisplayName("an HTTP error is not cached")
  void httpErrorNotCached() {
    ManifestSource source =
        ManifestSources.upstream(cache, Optional.of(mirror()), Duration.ofSeconds(5));

    assertThatThrownBy(() -> source.chart("ray-cluster", KubeRayVersion.V1_7_0))
        .hasMessageContaining("HTTP 404");
    assertThat(cache.resolve("v1.7.0/charts/ray-cluster-1.7.0.tgz")).doesNotExist();
  }

  @Test
  @DisplayName("without a mirror, charts come from the KubeRay Helm repository's release assets")
  void defaultChartUrl() {
    ManifestSource source =
        ManifestSources.upstream(cache, Optional.empty(), Duration.ofSeconds(2));

    assertThat(source.describe()).contains(UpstreamManifestSource.HELM_RELEASES);
    assertThat(source.kustomizeBundle(KubeRayVersion.V1_1_0)).isNotEmpty();
  }
}
