package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The garbage collector deletes the dependents of a deleted owner of every namespaced kind, as the
 * autoscaler's ServiceAccount, Role and RoleBinding of a RayCluster (they outlived it before).
 */
class GarbageCollectionTest {

  private final ObjectStore store = new ObjectStore();
  private final ApiDispatcher api = new ApiDispatcher(store, EmulatedApiServer.KUBERNETES_VERSION);

  @Test
  void dependentsOfEveryNamespacedKindGoWithTheirOwner() {
    api.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
    MockResponse owner =
        api.create(
            "/apis/batch/v1/namespaces/default/jobs",
            JsonText.readObject(
                """
                {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "owner"},
                 "spec": {"template": {"spec": {"restartPolicy": "Never",
                   "containers": [{"name": "c", "image": "busybox"}]}}}}
                """));
    String uid =
        String.valueOf(
            Maps.get(JsonText.readObject(owner.getBody().readUtf8()), "metadata", "uid"));
    List<ResourceRef> dependents =
        List.of(
            new ResourceRef("", "v1", "serviceaccounts"),
            new ResourceRef("rbac.authorization.k8s.io", "v1", "roles"),
            new ResourceRef("rbac.authorization.k8s.io", "v1", "rolebindings"),
            new ResourceRef("", "v1", "configmaps"));
    Map<String, String> kinds =
        Map.of(
            "serviceaccounts", "ServiceAccount",
            "roles", "Role",
            "rolebindings", "RoleBinding",
            "configmaps", "ConfigMap");
    for (ResourceRef r : dependents) {
      String apiVersion = r.group().isEmpty() ? "v1" : r.group() + "/v1";
      String path =
          (r.group().isEmpty() ? "/api/v1" : "/apis/" + r.group() + "/v1")
              + "/namespaces/default/"
              + r.plural();
      Map<String, Object> object =
          JsonText.readObject(
              """
              {"apiVersion": "%s", "kind": "%s", "metadata": {"name": "dependent",
               "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "owner",
                 "uid": "%s", "controller": true}]}}
              """
                  .formatted(apiVersion, kinds.get(r.plural()), uid));
      if (r.plural().equals("rolebindings")) {
        object.put(
            "roleRef",
            Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", "dependent"));
      }
      assertThat(api.create(path, object).code()).as(path).isEqualTo(201);
      assertThat(store.get(r, "default", "dependent")).as(r.plural()).isPresent();
    }

    MockResponse deleted =
        api.dispatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.DELETE,
                // Background as KubeRay deletes its Jobs: a batch/v1 Job's default is to orphan.
                "/apis/batch/v1/namespaces/default/jobs/owner?propagationPolicy=Background",
                Headers.builder().build(),
                new Buffer(new byte[0])));

    assertThat(deleted.code()).isEqualTo(200);
    for (ResourceRef r : dependents) {
      assertThat(store.get(r, "default", "dependent")).as(r.plural()).isEmpty();
    }
  }
}
