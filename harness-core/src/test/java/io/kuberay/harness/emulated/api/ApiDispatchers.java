package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.install.KubeRayManifests;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A bare {@link ApiDispatcher} for the tests of how the API server judges a write: the {@code
 * default} namespace, one of v1.5.0's KubeRay CRDs, and raw requests with a body.
 */
final class ApiDispatchers {

  private ApiDispatchers() {}

  /** A new API server with the {@code default} namespace and the CRD {@code crd} installed. */
  static ApiDispatcher withDefaultNamespaceAndCrd(String crd) {
    return withDefaultNamespaceAndCrd(new ObjectStore(), crd);
  }

  /** The same over {@code store}, for a test that also writes to the store directly. */
  static ApiDispatcher withDefaultNamespaceAndCrd(ObjectStore store, String crd) {
    ApiDispatcher api = new ApiDispatcher(store, EmulatedApiServer.KUBERNETES_VERSION);
    api.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
    installCrd(api, crd);
    return api;
  }

  /** Creates v1.5.0's CRD named {@code crd} (e.g. {@code rayclusters.ray.io}). */
  static MockResponse installCrd(ApiDispatcher api, String crd) {
    Map<String, Object> body =
        JsonText.readObject(
            KubeRayManifests.rawBundle(KubeRayVersion.of("v1.5.0"), Optional.empty()).stream()
                .filter(o -> o.name().equals(crd))
                .findFirst()
                .orElseThrow()
                .json());
    return api.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body);
  }

  static MockResponse send(
      ApiDispatcher api, HttpMethod method, String path, String contentType, String body) {
    Headers headers = Headers.builder().add("Content-Type", contentType).build();
    return api.dispatch(
        new RecordedRequest(
            "HTTP/1.1", method, path, headers, new Buffer(body.getBytes(StandardCharsets.UTF_8))));
  }
}
