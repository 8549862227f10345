package io.kuberay.harness.emulated.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.support.Maps;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Protobuf request bodies, checked with the release Secret real Helm 4 sent to the emulated API
 * server on {@code helm install rc2 ray-cluster-1.1.0.tgz}.
 */
class ProtobufBodiesTest {

  private static final String SECRETS = "/api/v1/namespaces/default/secrets";
  private static final String GO_ACCEPT = "application/vnd.kubernetes.protobuf,application/json";

  @Test
  void helmsReleaseSecretDecodesToTheObjectItsJsonWouldBe() throws IOException {
    Map<String, Object> secret = ProtobufBodies.decode(helmSecret());

    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("createdAt", "1796199890");
    labels.put("name", "rc2");
    labels.put("owner", "helm");
    labels.put("status", "pending-install");
    labels.put("version", "1");
    assertThat(secret).containsOnlyKeys("apiVersion", "kind", "metadata", "data", "type");
    assertThat(secret)
        .containsEntry("apiVersion", "v1")
        .containsEntry("kind", "Secret")
        .containsEntry("type", "helm.sh/release.v1");
    // The empty strings, zero generation and unset timestamp Go sends in protobuf are absent, as in
    // its JSON.
    assertThat(secret.get("metadata"))
        .isEqualTo(Map.of("name", "sh.helm.release.v1.rc2.v1", "labels", labels));
    assertThat(Maps.map(secret.get("data"))).containsOnlyKeys("release");

    // data.release is the Secret's bytes in base64, as JSON carries them: Helm's own base64 of the
    // gzipped release.
    byte[] helmEncoded =
        Base64.getDecoder().decode((String) Maps.map(secret.get("data")).get("release"));
    byte[] gzipped = Base64.getDecoder().decode(helmEncoded);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      String release = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(release).contains("\"name\":\"rc2\"").contains("raycluster");
    }
  }

  @Test
  void theApiServerStoresItAndAnswersInJson() throws IOException {
    ApiDispatcher api = new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);
    api.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));

    MockResponse created = api.dispatch(request("POST", SECRETS, helmSecret(), GO_ACCEPT));

    assertThat(created.code()).as(created.getBody().readUtf8()).isEqualTo(201);
    assertThat(created.getHeaders().get("Content-Type")).isEqualTo("application/json");
    Map<String, Object> stored =
        JsonText.readObject(
            api.dispatch(request("GET", SECRETS + "/sh.helm.release.v1.rc2.v1", null, GO_ACCEPT))
                .getBody()
                .readUtf8());
    assertThat(Maps.map(stored.get("metadata")))
        .containsKeys("uid", "resourceVersion", "creationTimestamp")
        .containsEntry("namespace", "default");
    assertThat(Maps.map(stored.get("data")).get("release"))
        .isEqualTo(Maps.map(ProtobufBodies.decode(helmSecret()).get("data")).get("release"));
  }

  @Test
  void aKindNotDecodedIsUnsupportedMediaTypeAndSaysWhatToSend() throws IOException {
    byte[] body = helmSecret();
    // typeMeta.kind "Secret" -> "Sxcret": a kind the server does not decode.
    int at = indexOf(body, "Secret".getBytes(StandardCharsets.US_ASCII));
    body[at + 1] = 'x';

    assertThatThrownBy(() -> ProtobufBodies.decode(body))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.response().code()).isEqualTo(415))
        .hasMessageContaining("v1 has no kind Sxcret")
        .hasMessageContaining("built-in kinds of Kubernetes v1.31")
        .hasMessageContaining("application/json");
  }

  @Test
  void aTruncatedBodyIsABadRequestNotAServerError() throws IOException {
    byte[] body = helmSecret();
    ApiDispatcher api = new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);

    MockResponse response =
        api.dispatch(request("POST", SECRETS, Arrays.copyOf(body, body.length / 2), GO_ACCEPT));

    assertThat(response.code()).isEqualTo(400);
    assertThat(response.getBody().readUtf8()).contains("not valid Kubernetes protobuf");
    assertThat(
            api.dispatch(
                    request(
                        "POST",
                        SECRETS,
                        "not protobuf".getBytes(StandardCharsets.UTF_8),
                        GO_ACCEPT))
                .getBody()
                .readUtf8())
        .contains("magic bytes");
  }

  @Test
  void onlyProtobufAcceptedIsNotAcceptable() {
    assertThat(ProtobufBodies.acceptsJson(GO_ACCEPT)).isTrue();
    assertThat(ProtobufBodies.acceptsJson(null)).isTrue();
    assertThat(ProtobufBodies.acceptsJson("application/json;as=Table;v=v1;g=meta.k8s.io")).isTrue();
    ApiDispatcher api = new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);

    MockResponse response =
        api.dispatch(request("GET", SECRETS, null, ProtobufBodies.CONTENT_TYPE));

    assertThat(response.code()).isEqualTo(406);
    assertThat(response.getBody().readUtf8()).contains("application/json only");
  }

  private static RecordedRequest request(String method, String path, byte[] body, String accept) {
    Headers headers =
        Headers.builder()
            .add("Content-Type", ProtobufBodies.CONTENT_TYPE)
            .add("Accept", accept)
            .build();
    return new RecordedRequest(
        "HTTP/1.1", HttpMethod.valueOf(method), path, headers, new Buffer(body));
  }

  private static byte[] helmSecret() throws IOException {
    try (InputStream in = ProtobufBodiesTest.class.getResourceAsStream("helm-release-secret.pb")) {
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
