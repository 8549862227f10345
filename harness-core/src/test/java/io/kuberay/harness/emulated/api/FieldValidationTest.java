package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.install.KubeRayManifests;
import io.kuberay.harness.install.ManifestObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code fieldValidation=Strict|Warn|Ignore} on creates, updates and patches, with the API server's
 * codes and wording.
 */
class FieldValidationTest {

  private static final String PODS = "/api/v1/namespaces/default/pods";
  private static final String RAY_CLUSTERS = "/apis/ray.io/v1/namespaces/default/rayclusters";
  private static final String POD_WITH_TYPOS =
      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labelz\":{}},"
          + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"imagePullPolicyy\":\"Always\"}],\"foo\":1}}";
  private static final String CLUSTER_WITH_TYPO =
      "{\"apiVersion\":\"ray.io/v1\",\"kind\":\"RayCluster\",\"metadata\":{\"name\":\"rc\"},\"spec\":{\"rayVersoin\":\"2.52.0\","
          + "\"headGroupSpec\":{\"rayStartParams\":{},\"template\":{\"spec\":{\"containers\":[{\"name\":\"ray-head\",\"image\":\"rayproject/ray:2.52.0\"}]}}}}}";

  private final ApiDispatcher api = ApiDispatchers.withDefaultNamespaceAndCrd("rayclusters.ray.io");

  private MockResponse send(HttpMethod method, String path, String contentType, String body) {
    return ApiDispatchers.send(api, method, path, contentType, body);
  }

  private static List<String> warnings(MockResponse r) {
    return r.getHeaders().toMultimap().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase("Warning"))
        .flatMap(e -> e.getValue().stream())
        .toList();
  }

  private static String message(MockResponse r) {
    return String.valueOf(JsonText.readObject(r.getBody().readUtf8()).get("message"));
  }

  @Test
  void strictRejectsABuiltInKindsUnknownFieldsWithTheirPaths() {
    MockResponse r =
        send(HttpMethod.POST, PODS + "?fieldValidation=Strict", "application/json", POD_WITH_TYPOS);
    assertThat(r.code()).isEqualTo(400);
    assertThat(JsonText.readObject(r.getBody().readUtf8()))
        .containsEntry("reason", "BadRequest")
        .containsEntry(
            "message",
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadata.labelz\","
                + " unknown field \"spec.containers[0].imagePullPolicyy\", unknown field \"spec.foo\"");
    assertThat(send(HttpMethod.GET, PODS + "/p", "application/json", "").code()).isEqualTo(404);
  }

  @Test
  void warnCreatesAndSaysWhichFieldsWereDropped() {
    MockResponse r =
        send(HttpMethod.POST, PODS + "?fieldValidation=Warn", "application/json", POD_WITH_TYPOS);
    assertThat(r.code()).isEqualTo(201);
    assertThat(warnings(r))
        .containsExactly(
            "299 - \"unknown field \\\"metadata.labelz\\\"\"",
            "299 - \"unknown field \\\"spec.containers[0].imagePullPolicyy\\\"\"",
            "299 - \"unknown field \\\"spec.foo\\\"\"");
  }

  @Test
  void warnIsTheDefaultAndIgnoreIsSilent() {
    assertThat(warnings(send(HttpMethod.POST, PODS, "application/json", POD_WITH_TYPOS)))
        .hasSize(3);
    MockResponse ignored =
        send(
            HttpMethod.POST,
            PODS + "?fieldValidation=Ignore",
            "application/json",
            POD_WITH_TYPOS.replace("\"p\"", "\"q\""));
    assertThat(ignored.code()).isEqualTo(201);
    assertThat(warnings(ignored)).isEmpty();
  }

  @Test
  void anUnknownDirectiveIsABadRequest() {
    MockResponse r =
        send(HttpMethod.POST, PODS + "?fieldValidation=Loud", "application/json", POD_WITH_TYPOS);
    assertThat(r.code()).isEqualTo(400);
    assertThat(message(r))
        .isEqualTo(
            "fieldValidation: Unsupported value: \"Loud\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }

  @Test
  void duplicateFieldsAreReportedWithTheirPaths() {
    String pod =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"d\",\"name\":\"d\"},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"a\",\"image\":\"b\"}]}}";
    MockResponse r =
        send(HttpMethod.POST, PODS + "?fieldValidation=Strict", "application/json", pod);
    assertThat(r.code()).isEqualTo(400);
    assertThat(message(r))
        .endsWith(
            "strict decoding error: duplicate field \"metadata.name\", duplicate field \"spec.containers[0].image\"");
    assertThat(
            FieldValidation.duplicateFields(
                "{\"a\":[{\"b\":1},{\"b\":2,\"b\":3}],\"c\":{\"d\":{}},\"c\":2}"))
        .containsExactly("a[1].b", "c");
  }

  @Test
  void aCustomResourcesUnknownFieldsFollowItsCrdSchema() {
    MockResponse strict =
        send(
            HttpMethod.POST,
            RAY_CLUSTERS + "?fieldValidation=Strict",
            "application/json",
            CLUSTER_WITH_TYPO);
    assertThat(strict.code()).isEqualTo(400);
    assertThat(message(strict))
        .isEqualTo(
            "RayCluster in version \"v1\" cannot be handled as a RayCluster: strict decoding error: unknown field \"spec.rayVersoin\"");

    MockResponse warned =
        send(
            HttpMethod.POST,
            RAY_CLUSTERS + "?fieldValidation=Warn",
            "application/json",
            CLUSTER_WITH_TYPO);
    assertThat(warned.code()).isEqualTo(201);
    assertThat(warnings(warned)).containsExactly("299 - \"unknown field \\\"spec.rayVersoin\\\"\"");
    // Stored as the API server stores it: the unknown field pruned.
    assertThat(
            send(HttpMethod.GET, RAY_CLUSTERS + "/rc", "application/json", "").getBody().readUtf8())
        .doesNotContain("rayVersoin");
  }

  @Test
  void patchesAreCheckedOnTheirResult() {
    assertThat(
            send(
                    HttpMethod.POST,
                    RAY_CLUSTERS,
                    "application/json",
                    CLUSTER_WITH_TYPO.replace("rayVersoin", "rayVersion"))
                .code())
        .isEqualTo(201);
    MockResponse merge =
        send(
            HttpMethod.PATCH,
            RAY_CLUSTERS + "/rc?fieldValidation=Strict",
            "application/merge-patch+json",
            "{\"spec\":{\"enableInTreeAutoscalingg\":true}}");
    assertThat(merge.code()).isEqualTo(400);
    assertThat(message(merge))
        .isEqualTo("strict decoding error: unknown field \"spec.enableInTreeAutoscalingg\"");

    MockResponse jsonPatch =
        send(
            HttpMethod.PATCH,
            RAY_CLUSTERS + "/rc?fieldValidation=Warn",
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/spec/suspendd\",\"value\":true}]");
    assertThat(jsonPatch.code()).isEqualTo(200);
    assertThat(warnings(jsonPatch))
        .containsExactly("299 - \"unknown field \\\"spec.suspendd\\\"\"");

    MockResponse fine =
        send(
            HttpMethod.PATCH,
            RAY_CLUSTERS + "/rc?fieldValidation=Strict",
            "application/merge-patch+json",
            "{\"spec\":{\"suspend\":true}}");
    assertThat(fine.code()).isEqualTo(200);
    assertThat(warnings(fine)).isEmpty();
  }

  @Test
  void kubeRaysOwnBundlePassesStrictValidation() {
    for (String version : List.of("v1.1.0", "v1.5.0", "v1.7.0")) {
      ApiDispatcher fresh =
          new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);
      for (String ns : List.of("default", "ray-system")) {
        fresh.create(
            "/api/v1/namespaces",
            Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", ns)));
      }
      for (ManifestObject o :
          KubeRayManifests.rawBundle(KubeRayVersion.of(version), Optional.empty())) {
        Map<String, Object> object = JsonText.readObject(o.json());
        if (o.kind().equals("Namespace")) {
          continue;
        }
        MockResponse r =
            ApiDispatchers.send(
                fresh,
                HttpMethod.POST,
                fresh.collectionPath(object) + "?fieldValidation=Strict",
                "application/json",
                o.json());
        assertThat(r.code())
            .as(version + " " + o.kind() + " " + o.name() + ": " + r.getBody().readUtf8())
            .isEqualTo(201);
        assertThat(warnings(r)).as(version + " " + o.kind() + " " + o.name()).isEmpty();
      }
    }
  }

  @Test
  void mapsAndPreservedFieldsTakeAnyKey() {
    String pod =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"m\",\"labels\":{\"any\":\"x\"},\"annotations\":{\"whatever\":\"y\"}},"
            + "\"spec\":{\"nodeSelector\":{\"k\":\"v\"},\"containers\":[{\"name\":\"c\",\"image\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}";
    MockResponse r =
        send(HttpMethod.POST, PODS + "?fieldValidation=Strict", "application/json", pod);
    assertThat(r.code()).as(r.getBody().readUtf8()).isEqualTo(201);
    assertThat(warnings(r)).isEmpty();
    OpenApiSchemas schemas = new OpenApiSchemas(Map.of());
    Map<String, Object> preserving =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of("a", Map.of("type", "object", "x-kubernetes-preserve-unknown-fields", true)));
    assertThat(
            FieldValidation.unknownFields(
                schemas, preserving, Map.of("a", Map.of("anything", 1), "b", 2)))
        .isEqualTo(List.of("b"));
  }
}
