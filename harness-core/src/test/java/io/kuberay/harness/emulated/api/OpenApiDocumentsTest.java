package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.support.Maps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI documents as kubectl reads them, built from the served built-in kinds and installed
 * CRDs.
 */
class OpenApiDocumentsTest {

  private final ApiDispatcher api =
      new ApiDispatcher(new ObjectStore(), EmulatedApiServer.KUBERNETES_VERSION);

  private MockResponse get(String path, String accept) {
    Headers.Builder headers = Headers.builder();
    if (accept != null) {
      headers.add("Accept", accept);
    }
    return api.dispatch(
        new RecordedRequest(
            "HTTP/1.1", HttpMethod.GET, path, headers.build(), new Buffer((byte[]) null)));
  }

  private Map<String, Object> json(String path) {
    MockResponse r = get(path, "application/json");
    assertThat(r.code()).as(path).isEqualTo(200);
    return JsonText.readObject(r.getBody().readUtf8());
  }

  private void installRayClusterCrd() {
    assertThat(ApiDispatchers.installCrd(api, "rayclusters.ray.io").code()).isEqualTo(201);
  }

  private String url(String groupVersion) {
    return String.valueOf(
        Maps.get(json("/openapi/v3"), "paths", groupVersion, "serverRelativeURL"));
  }

  @Test
  void theV3IndexListsEveryServedGroupVersionWithItsDocumentsHash() {
    Map<String, Object> paths = Maps.map(json("/openapi/v3").get("paths"));
    assertThat(paths)
        .containsKeys("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/apiextensions.k8s.io/v1")
        .doesNotContainKey("apis/ray.io/v1");
    assertThat(url("api/v1")).matches("/openapi/v3/api/v1\\?hash=[0-9A-F]{128}");
  }

  @Test
  void aCoreDocumentCarriesKubernetesOwnSchemasAndTheFieldValidationParameter() {
    Map<String, Object> doc = json(url("api/v1"));
    assertThat(doc.get("openapi")).isEqualTo("3.0.0");
    Map<String, Object> pod =
        Maps.map(Maps.get(doc, "components", "schemas", "io.k8s.api.core.v1.Pod"));
    assertThat(Maps.list(pod.get("x-kubernetes-group-version-kind")))
        .containsExactly(Map.of("group", "", "kind", "Pod", "version", "v1"));
    Map<String, Object> containers =
        Maps.map(
            Maps.get(
                doc,
                "components",
                "schemas",
                "io.k8s.api.core.v1.PodSpec",
                "properties",
                "containers"));
    assertThat(String.valueOf(containers.get("description")))
        .startsWith("List of containers belonging to the pod.");
    assertThat(Maps.get(containers, "items", "$ref"))
        .isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
    // A reference with a description beside it is wrapped in allOf, as the API server's v3
    // documents do.
    assertThat(Maps.list(Maps.get(pod, "properties", "spec", "allOf")))
        .containsExactly(Map.of("$ref", "#/components/schemas/io.k8s.api.core.v1.PodSpec"));

    Map<String, Object> patch =
        Maps.map(Maps.get(doc, "paths", "/api/v1/namespaces/{namespace}/pods/{name}", "patch"));
    assertThat(patch.get("x-kubernetes-group-version-kind"))
        .isEqualTo(Map.of("group", "", "kind", "Pod", "version", "v1"));
    assertThat(Maps.map(Maps.get(patch, "requestBody", "content")))
        .containsKey("application/strategic-merge-patch+json");
    assertThat(Maps.list(patch.get("parameters")))
        .extracting(p -> Maps.map(p).get("name") + "/" + Maps.map(p).get("in"))
        .contains("fieldValidation/query");
    assertThat(Maps.map(doc.get("paths")))
        .containsKeys(
            "/api/v1/namespaces",
            "/api/v1/namespaces/{name}",
            "/api/v1/namespaces/{namespace}/pods/{name}/status");
  }

  @Test
  void everyReferenceResolvesInsideItsOwnDocument() {
    installRayClusterCrd();
    for (String gv : Maps.map(json("/openapi/v3").get("paths")).keySet()) {
      Map<String, Object> doc = json(url(gv));
      Map<String, Object> schemas = Maps.map(Maps.get(doc, "components", "schemas"));
      Deque<String> refs = new ArrayDeque<>();
      BuiltinDefinitions.collectRefs(doc, refs);
      assertThat(refs).as(gv).isNotEmpty();
      assertThat(refs).as(gv + " references").allSatisfy(r -> assertThat(schemas).containsKey(r));
    }
    Map<String, Object> v2 = json("/openapi/v2");
    Deque<String> refs = new ArrayDeque<>();
    BuiltinDefinitions.collectRefs(v2, refs);
    assertThat(refs).allSatisfy(r -> assertThat(Maps.map(v2.get("definitions"))).containsKey(r));
  }

  @Test
  void aCrdsSchemaIsPublishedUnderItsGroupAndFollowsTheCrd() {
    installRayClusterCrd();
    String before = url("apis/ray.io/v1");
    Map<String, Object> doc = json(before);
    Map<String, Object> rayCluster =
        Maps.map(Maps.get(doc, "components", "schemas", "io.ray.v1.RayCluster"));
    assertThat(Maps.list(rayCluster.get("x-kubernetes-group-version-kind")))
        .containsExactly(Map.of("group", "ray.io", "kind", "RayCluster", "version", "v1"));
    assertThat(Maps.map(Maps.get(rayCluster, "properties", "spec", "properties")))
        .containsKeys("headGroupSpec", "workerGroupSpecs", "rayVersion");
    assertThat(Maps.list(Maps.get(rayCluster, "properties", "metadata", "allOf")))
        .containsExactly(
            Map.of("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    assertThat(Maps.map(Maps.get(doc, "components", "schemas")))
        .containsKeys(
            "io.ray.v1.RayClusterList", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    // The CRD handler refuses strategic merge patches, and its paths do not offer them.
    assertThat(
            Maps.map(
                    Maps.get(
                        doc,
                        "paths",
                        "/apis/ray.io/v1/namespaces/{namespace}/rayclusters/{name}",
                        "patch",
                        "requestBody",
                        "content"))
                .keySet())
        .containsExactly(
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml");

    // A changed CRD gets a new hash; the stale URL redirects to it; a deleted CRD's group-version
    // is gone.
    Map<String, Object> crd =
        JsonText.readObject(
            get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/rayclusters.ray.io", null)
                .getBody()
                .readUtf8());
    Map<String, Object> spec =
        Maps.map(
            Maps.get(
                Maps.map(Maps.list(Maps.map(crd.get("spec")).get("versions")).get(0)),
                "schema",
                "openAPIV3Schema",
                "properties",
                "spec"));
    Maps.map(spec.get("properties"))
        .put("addedField", Map.of("type", "string", "description", "added by the test"));
    assertThat(
            api.dispatch(
                    new RecordedRequest(
                        "HTTP/1.1",
                        HttpMethod.PUT,
                        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/rayclusters.ray.io",
                        Headers.builder().add("Content-Type", "application/json").build(),
                        new Buffer(JsonText.write(crd).getBytes(StandardCharsets.UTF_8))))
                .code())
        .isEqualTo(200);
    String after = url("apis/ray.io/v1");
    assertThat(after).isNotEqualTo(before);
    assertThat(
            Maps.get(
                json(after),
                "components",
                "schemas",
                "io.ray.v1.RayCluster",
                "properties",
                "spec",
                "properties",
                "addedField",
                "description"))
        .isEqualTo("added by the test");
    MockResponse stale = get(before, "application/json");
    assertThat(stale.code()).isEqualTo(301);
    assertThat(stale.getHeaders().get("Location")).isEqualTo(after);

    assertThat(
            api.dispatch(
                    new RecordedRequest(
                        "HTTP/1.1",
                        HttpMethod.DELETE,
                        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/rayclusters.ray.io",
                        Headers.builder().build(),
                        new Buffer((byte[]) null)))
                .code())
        .isEqualTo(200);
    assertThat(Maps.map(json("/openapi/v3").get("paths"))).doesNotContainKey("apis/ray.io/v1");
    assertThat(get("/openapi/v3/apis/ray.io/v1", "application/json").code()).isEqualTo(404);
  }

  @Test
  void protobufIsServedForV2AndRefusedForV3() {
    MockResponse v2 =
        get("/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    assertThat(v2.code()).isEqualTo(200);
    assertThat(v2.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");
    byte[] bytes = v2.getBody().getBytes();
    // field 1 (swagger) = "2.0", then field 2 (info) holding title and version.
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
        .startsWith("\n\u00032.0\u0012")
        .contains("Kubernetes")
        .contains(EmulatedApiServer.KUBERNETES_VERSION);
    assertThat(
            get("/openapi/v3/api/v1", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf")
                .code())
        .isEqualTo(406);
    assertThat(
            get(
                    "/openapi/v3/api/v1",
                    "application/com.github.proto-openapi.spec.v3@v1.0+protobuf, application/json")
                .code())
        .isEqualTo(200);
  }

  @Test
  void aV2DocumentListsDefinitionsAndPaths() {
    Map<String, Object> v2 = json("/openapi/v2");
    assertThat(v2.get("swagger")).isEqualTo("2.0");
    assertThat(Maps.map(v2.get("definitions")))
        .containsKeys("io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.Pod");
    List<Object> params =
        Maps.list(
            Maps.get(
                v2,
                "paths",
                "/apis/apps/v1/namespaces/{namespace}/deployments",
                "post",
                "parameters"));
    assertThat(params).extracting(p -> Maps.map(p).get("name")).contains("body", "fieldValidation");
  }
}
