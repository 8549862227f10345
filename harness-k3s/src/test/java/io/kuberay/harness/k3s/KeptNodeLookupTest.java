package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptNodeLookupTest {

  private static final String NODE = "kuberay-harness/k8s-node:v1.36.3";
  private static final String OPERATOR = "kuberay-harness/kuberay-operator:v1.1.0";
  private static final String RAY = "kuberay-harness/ray:2.52.0";
  private static final String KUBECONFIG =
      """
      apiVersion: v1
      clusters:
      - cluster:
          certificate-authority-data: Q0E=
          server: https://127.0.0.1:6443
        name: default
      kind: Config
      """;

  private static final EnvironmentSettings SETTINGS =
      EnvironmentSettings.defaults().withKuberayVersion(KubeRayVersion.V1_1_0);

  @TempDir Path dir;
  private FakeDockerEngine engine;

  @BeforeEach
  void engine() throws IOException {
    engine =
        new FakeDockerEngine(dir)
            .answer("/images/" + NODE + "/json", "{\"Id\":\"sha256:node\"}")
            .answer("/images/" + OPERATOR + "/json", "{\"Id\":\"sha256:op\"}")
            .answer("/images/" + RAY + "/json", "{\"Id\":\"sha256:ray\"}")
            .answer(
                "/images/json?filters={\"label\":[\""
                    + PreloadedNode.BASE_LABEL
                    + "=sha256:node\"]}",
                "[]");
  }

  @AfterEach
  void stop() throws IOException {
    engine.close();
  }

  private ReuseKey key() {
    K3sImages images =
        K3sImages.resolve(
            SETTINGS,
            name ->
                !name.startsWith("rancher/")
                    && !name.startsWith("quay.io/")
                    && !name.startsWith("rayproject/"));
    return new ReuseKey(
        "sha256:node",
        Map.of(NODE, "sha256:node", OPERATOR, "sha256:op", RAY, "sha256:ray"),
        images.aliases(),
        "v1.1.0",
        SETTINGS.installMethod().toString());
  }

  private String containersQuery() {
    return "/containers/json?filters={\"label\":[\""
        + ReuseKey.CONFIG_LABEL
        + "="
        + key().hash()
        + "\"],\"status\":[\"running\"]}";
  }

  private Optional<KeptNodeLookup.Found> lookup() throws IOException {
    return new KeptNodeLookup(DockerEngineApi.forHost(engine.host()).orElseThrow()).find(SETTINGS);
  }

  @Test
  @DisplayName(
      "finds the running container labelled with the configuration's hash and rewrites its kubeconfig to the published API port")
  void findsTheKeptContainer() throws IOException {
    engine
        .answer(
            containersQuery(),
            "[{\"Id\":\"abc123\",\"Ports\":[{\"PrivatePort\":10250,\"PublicPort\":0},"
                + "{\"IP\":\"0.0.0.0\",\"PrivatePort\":6443,\"PublicPort\":32771,\"Type\":\"tcp\"}]}]")
        .answer(
            "/containers/abc123/archive?path=/etc/rancher/k3s/k3s.yaml",
            FakeDockerEngine.tar("k3s.yaml", KUBECONFIG.getBytes(StandardCharsets.UTF_8)));

    KeptNodeLookup.Found found = lookup().orElseThrow();

    assertThat(found.containerId()).isEqualTo("abc123");
    assertThat(found.key().hash()).isEqualTo(key().hash());
    assertThat(found.kubeconfig())
        .contains("    server: https://localhost:32771\n")
        .doesNotContain("6443")
        .contains("certificate-authority-data: Q0E=");
    assertThat(found.plan().sideload()).containsExactly(OPERATOR, RAY);
  }

  @Test
  @DisplayName("no running container of this configuration: empty, so the start goes the usual way")
  void noneKept() throws IOException {
    engine.answer(containersQuery(), "[]");

    assertThat(lookup()).isEmpty();
  }

  @Test
  @DisplayName("an image the engine lacks: empty, left to the usual start that names or pulls it")
  void missingImage(@TempDir Path other) throws IOException {
    try (FakeDockerEngine noRay =
        new FakeDockerEngine(other)
            .answer("/images/" + NODE + "/json", "{\"Id\":\"sha256:node\"}")
            .answer("/images/" + OPERATOR + "/json", "{\"Id\":\"sha256:op\"}")) {
      assertThat(
              new KeptNodeLookup(DockerEngineApi.forHost(noRay.host()).orElseThrow())
                  .find(SETTINGS))
          .isEmpty();
      assertThat(noRay.requests()).noneMatch(r -> r.startsWith("/containers/"));
    }
  }

  @Test
  @DisplayName("an engine error is an exception naming the request and the engine's answer")
  void engineError() {
    engine.fail(
        "/containers/json?filters={}", "500 Internal Server Error", "{\"message\":\"boom\"}");
    DockerEngineApi api = DockerEngineApi.forHost(engine.host()).orElseThrow();

    assertThatThrownBy(() -> api.json("/containers/json?filters=" + DockerEngineApi.query("{}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("GET /containers/json")
        .hasMessageContaining("500 Internal Server Error")
        .hasMessageContaining("boom");
    assertThatThrownBy(
            () ->
                KeptNodeLookup.withServer(
                    "kind: Config\n".getBytes(StandardCharsets.UTF_8), "https://x"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("names no server");
  }

  @Test
  @DisplayName("only unix:// engines are asked directly")
  void unixOnly() {
    assertThat(DockerEngineApi.forHost("tcp://127.0.0.1:2375")).isEmpty();
    assertThat(DockerEngineApi.forHost("unix:///var/run/docker.sock")).isPresent();
  }

  @Test
  @DisplayName("a tar whose first entry is not a regular file is refused")
  void tarOfALink() {
    byte[] tar = FakeDockerEngine.tar("k3s.yaml", new byte[0]);
    tar[156] = '2';
    assertThatThrownBy(() -> TarEntry.first(tar))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }
}
