package io.kuberay.harness.emulated.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies kubectl 1.33 sent for its typed create subcommands (captured on a loopback listener), each
 * decoded to exactly the object Go's JSON writes for it: the {@code .json} beside each {@code .pb}
 * is the same command's {@code --dry-run=client -o json} (its {@code creationTimestamp: null}
 * aside: JSON null is absent).
 */
class KubectlProtobufBodiesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "serviceaccounts",
        "rbac-roles",
        "rbac-clusterroles",
        "rbac-rolebindings",
        "rbac-clusterrolebindings",
        "deployments",
        "jobs",
        "cronjobs",
        "services",
        "secrets",
        "configmaps",
        "namespaces",
        "resourcequotas",
        "priorityclasses",
        "poddisruptionbudgets",
        "ingresses"
      })
  void decodesToWhatGosJsonWrites(String command) throws IOException {
    Map<String, Object> expected = withoutNulls(JsonText.readObject(text(command + ".json")));

    assertThat(ProtobufBodies.decode(bytes(command + ".pb"))).isEqualTo(expected);
  }

  @Test
  void specialTypesTakeTheirJsonForm() throws IOException {
    // IntOrString: a number (targetPort 8080) or a string (minAvailable 50%); Quantity: a string.
    Map<String, Object> service = ProtobufBodies.decode(bytes("services.pb"));
    assertThat(Maps.list(Maps.map(service.get("spec")).get("ports")))
        .containsExactly(
            Map.of("name", "80-8080", "protocol", "TCP", "port", 80, "targetPort", 8080));
    Map<String, Object> pdb = ProtobufBodies.decode(bytes("poddisruptionbudgets.pb"));
    assertThat(Maps.map(pdb.get("spec"))).containsEntry("minAvailable", "50%");
    Map<String, Object> quota = ProtobufBodies.decode(bytes("resourcequotas.pb"));
    assertThat(Maps.map(Maps.map(quota.get("spec")).get("hard")))
        .isEqualTo(Map.of("cpu", "2", "memory", "1Gi", "pods", "10"));
  }

  /** {@code kubectl create token robot --duration=10m --audience=api} (no dry-run for it). */
  @Test
  void tokenRequest() throws IOException {
    Map<String, Object> request = ProtobufBodies.decode(bytes("token.pb"));

    assertThat(request)
        .containsEntry("apiVersion", "authentication.k8s.io/v1")
        .containsEntry("kind", "TokenRequest");
    assertThat(Maps.map(request.get("spec")))
        .isEqualTo(Map.of("audiences", List.of("api"), "expirationSeconds", 600));
    // status.token has no omitempty: Go's JSON writes "" too.
    assertThat(Maps.map(request.get("status"))).isEqualTo(Map.of("token", ""));
  }

  /** {@code kubectl auth can-i get pods/a}. */
  @Test
  void selfSubjectAccessReview() throws IOException {
    Map<String, Object> review = ProtobufBodies.decode(bytes("selfsubjectaccessreviews.pb"));

    assertThat(Maps.map(review.get("spec")))
        .isEqualTo(
            Map.of(
                "resourceAttributes",
                Map.of("namespace", "default", "verb", "get", "resource", "pods", "name", "a")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutNulls(Map<String, Object> object) {
    Map<String, Object> out = new LinkedHashMap<>();
    object.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m) {
            out.put(k, withoutNulls((Map<String, Object>) m));
          } else if (v instanceof List<?> l) {
            out.put(
                k,
                l.stream()
                    .map(e -> e instanceof Map<?, ?> m ? withoutNulls((Map<String, Object>) m) : e)
                    .toList());
          } else if (v != null) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static String text(String file) throws IOException {
    return new String(bytes(file), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String file) throws IOException {
    try (InputStream in = KubectlProtobufBodiesTest.class.getResourceAsStream("kubectl/" + file)) {
      assertThat(in).as(file).isNotNull();
      return in.readAllBytes();
    }
  }
}
