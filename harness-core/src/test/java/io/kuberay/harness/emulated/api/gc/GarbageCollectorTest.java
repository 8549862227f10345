package io.kuberay.harness.emulated.api.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cascading deletion through the emulated API server, as kube-apiserver and the garbage collector
 * of kube-controller-manager carry it out per propagation policy. Owners and dependents are
 * ConfigMaps (a resource whose default is background) unless the test is about another resource's
 * default.
 */
class GarbageCollectorTest {

  private static final ResourceRef CONFIG_MAPS = new ResourceRef("", "v1", "configmaps");
  private static final ResourceRef JOBS = new ResourceRef("batch", "v1", "jobs");
  private static final String HOLD = "example.com/hold";
  private static final String CONFIG_MAPS_PATH = "/api/v1/namespaces/default/configmaps";

  private final ObjectStore store = new ObjectStore();
  private final ApiDispatcher api = new ApiDispatcher(store, EmulatedApiServer.KUBERNETES_VERSION);

  GarbageCollectorTest() {
    api.create(
        "/api/v1/namespaces",
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "default")));
  }

  @Test
  @DisplayName(
      "background: a deleted owner without finalizers goes, then its dependents, recursively")
  void backgroundDeletesDependentsRecursively() {
    String owner = configMap("owner", List.of());
    String child = configMap("child", List.of(), ref("owner", owner, false));
    configMap("grandchild", List.of(), ref("child", child, true));

    assertThat(delete("owner", "").code()).isEqualTo(200);

    assertThat(find("owner")).isEmpty();
    assertThat(find("child")).isEmpty();
    assertThat(find("grandchild")).isEmpty();
  }

  @Test
  @DisplayName(
      "background: an owner held by a finalizer keeps its dependents until the finalizer goes")
  void finalizerHoldsDependentsUntilTheOwnerIsGone() {
    String owner = configMap("owner", List.of(HOLD));
    configMap("dependent", List.of(), ref("owner", owner, true));

    assertThat(delete("owner", kubectl("Background")).code()).isEqualTo(200);

    assertThat(find("owner")).get().extracting(StoredObject::markedForDeletion).isEqualTo(true);
    assertThat(find("owner").get().finalizers()).containsExactly(HOLD);
    assertThat(find("dependent")).as("the owner still exists").isPresent();

    release("owner");

    assertThat(find("owner")).isEmpty();
    assertThat(find("dependent")).isEmpty();
  }

  @Test
  @DisplayName(
      "a dependent with another owner still present loses only the deleted owner's reference")
  void multiOwnerDependentLosesOnlyThatReference() {
    String first = configMap("first", List.of());
    String second = configMap("second", List.of());
    configMap("shared", List.of(), ref("first", first, true), ref("second", second, false));

    delete("first", "");

    assertThat(find("shared")).isPresent();
    assertThat(find("shared").get().ownerUids()).containsExactly(second);

    delete("second", "");

    assertThat(find("shared")).isEmpty();
  }

  @Test
  @DisplayName(
      "foreground: the owner waits with foregroundDeletion until its blocking dependents are gone;"
          + " the others are deleted without holding it")
  void foregroundWaitsForBlockingDependents() {
    String owner = configMap("owner", List.of());
    configMap("blocking", List.of(HOLD), ref("owner", owner, true));
    configMap("free", List.of(), ref("owner", owner, false));

    assertThat(delete("owner", kubectl("Foreground")).code()).isEqualTo(200);

    assertThat(find("owner")).isPresent();
    assertThat(find("owner").get().markedForDeletion()).isTrue();
    assertThat(find("owner").get().finalizers())
        .containsExactly(DeleteOptions.FOREGROUND_FINALIZER);
    assertThat(find("free")).isEmpty();
    assertThat(find("blocking")).get().extracting(StoredObject::markedForDeletion).isEqualTo(true);

    release("blocking");

    assertThat(find("blocking")).isEmpty();
    assertThat(find("owner")).as("no blocking dependent left").isEmpty();
  }

  @Test
  @DisplayName(
      "foreground: a dependent with dependents of its own is deleted in the foreground, so the owner"
          + " waits for the whole tree")
  void foregroundWaitsForTheWholeTree() {
    String owner = configMap("owner", List.of());
    String child = configMap("child", List.of(), ref("owner", owner, true));
    configMap("grandchild", List.of(HOLD), ref("child", child, true));

    delete("owner", kubectl("Foreground"));

    assertThat(find("child").get().finalizers())
        .containsExactly(DeleteOptions.FOREGROUND_FINALIZER);
    assertThat(find("owner")).isPresent();

    release("grandchild");

    assertThat(find("grandchild")).isEmpty();
    assertThat(find("child")).isEmpty();
    assertThat(find("owner")).isEmpty();
  }

  @Test
  @DisplayName(
      "orphan (kubectl --cascade=orphan): dependents lose the reference, then the owner its orphan"
          + " finalizer, keeping the others")
  void orphanKeepsDependentsWithoutTheReference() {
    String held = configMap("held", List.of(HOLD));
    configMap("dependent", List.of(), ref("held", held, true));
    String plain = configMap("plain", List.of());
    configMap("other", List.of(), ref("plain", plain, true));

    delete("held", kubectl("Orphan"));
    delete("plain", kubectl("Orphan"));

    assertThat(find("dependent")).isPresent();
    assertThat(find("dependent").get().ownerUids()).isEmpty();
    assertThat(find("held").get().finalizers()).containsExactly(HOLD);
    assertThat(find("plain")).isEmpty();
    assertThat(find("other")).isPresent();
    assertThat(find("other").get().ownerUids()).isEmpty();
  }

  @Test
  @DisplayName(
      "the legacy orphanDependents: true orphans; false answers 202 while the owner is held")
  void legacyOrphanDependents() {
    String owner = configMap("owner", List.of());
    configMap("dependent", List.of(), ref("owner", owner, true));
    String held = configMap("held", List.of(HOLD));

    assertThat(
            send(HttpMethod.DELETE, CONFIG_MAPS_PATH + "/owner?orphanDependents=true", "").code())
        .isEqualTo(200);
    assertThat(
            send(HttpMethod.DELETE, CONFIG_MAPS_PATH + "/held", "{\"orphanDependents\": false}")
                .code())
        .isEqualTo(202);

    assertThat(find("owner")).isEmpty();
    assertThat(find("dependent").get().ownerUids()).isEmpty();
    assertThat(find("held").get().finalizers()).containsExactly(HOLD);
    assertThat(held).isNotEmpty();
  }

  @Test
  @DisplayName(
      "a batch/v1 Job deleted without a policy orphans its dependents (the API's default);"
          + " with Background they go")
  void jobsOrphanByDefault() {
    String orphaning = job("orphaning");
    configMap("kept", List.of(), jobRef("orphaning", orphaning));
    String background = job("background");
    configMap("collected", List.of(), jobRef("background", background));

    send(HttpMethod.DELETE, "/apis/batch/v1/namespaces/default/jobs/orphaning", "");
    send(
        HttpMethod.DELETE,
        "/apis/batch/v1/namespaces/default/jobs/background?propagationPolicy=Background",
        "");

    assertThat(store.get(JOBS, "default", "orphaning")).isEmpty();
    assertThat(find("kept")).isPresent();
    assertThat(find("kept").get().ownerUids()).isEmpty();
    assertThat(store.get(JOBS, "default", "background")).isEmpty();
    assertThat(find("collected")).isEmpty();
  }

  @Test
  @DisplayName("DeleteOptions with an unknown policy, or with both fields, are refused with a 422")
  void invalidDeleteOptions() {
    configMap("owner", List.of());

    MockResponse unknown = delete("owner", "{\"propagationPolicy\": \"Sideways\"}");
    MockResponse both =
        delete("owner", "{\"propagationPolicy\": \"Orphan\", \"orphanDependents\": true}");

    assertThat(unknown.code()).isEqualTo(422);
    assertThat(message(unknown))
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
                + " \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\","
                + " \"nil\"");
    assertThat(both.code()).isEqualTo(422);
    assertThat(message(both))
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value:"
                + " \"Orphan\": orphanDependents and deletionPropagation cannot be both set");
    assertThat(find("owner")).isPresent();
  }

  private static String kubectl(String policy) {
    return "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\""
        + policy
        + "\"}";
  }

  private static Map<String, Object> ref(String name, String uid, boolean blocks) {
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("apiVersion", "v1");
    ref.put("kind", "ConfigMap");
    ref.put("name", name);
    ref.put("uid", uid);
    ref.put("blockOwnerDeletion", blocks);
    return ref;
  }

  private static Map<String, Object> jobRef(String name, String uid) {
    return Map.of(
        "apiVersion", "batch/v1", "kind", "Job", "name", name, "uid", uid, "controller", true);
  }

  @SafeVarargs
  private String configMap(String name, List<String> finalizers, Map<String, Object>... owners) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (!finalizers.isEmpty()) {
      metadata.put("finalizers", finalizers);
    }
    if (owners.length > 0) {
      metadata.put("ownerReferences", List.of(owners));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", "v1");
    body.put("kind", "ConfigMap");
    body.put("metadata", metadata);
    return uid(api.create(CONFIG_MAPS_PATH, body));
  }

  private String job(String name) {
    return uid(
        api.create(
            "/apis/batch/v1/namespaces/default/jobs",
            JsonText.readObject(
                """
                {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "%s"},
                 "spec": {"template": {"spec": {"restartPolicy": "Never",
                   "containers": [{"name": "c", "image": "busybox"}]}}}}
                """
                    .formatted(name))));
  }

  private static String uid(MockResponse created) {
    assertThat(created.code()).isEqualTo(201);
    return String.valueOf(
        Maps.get(JsonText.readObject(created.getBody().readUtf8()), "metadata", "uid"));
  }

  private Optional<StoredObject> find(String name) {
    return store.get(CONFIG_MAPS, "default", name);
  }

  private MockResponse delete(String name, String body) {
    return send(HttpMethod.DELETE, CONFIG_MAPS_PATH + "/" + name, body);
  }

  /** What the finalizer's controller does when done: takes its finalizer out. */
  private void release(String name) {
    List<String> left = new ArrayList<>(find(name).orElseThrow().finalizers());
    left.remove(HOLD);
    String patch = "{\"metadata\":{\"finalizers\":" + JsonText.write(left) + "}}";
    assertThat(send(HttpMethod.PATCH, CONFIG_MAPS_PATH + "/" + name, patch).code()).isEqualTo(200);
  }

  private MockResponse send(HttpMethod method, String path, String body) {
    String type = method == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    return api.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            method,
            path,
            Headers.builder().add("Content-Type", type).build(),
            new Buffer(body.getBytes(StandardCharsets.UTF_8))));
  }

  private static String message(MockResponse response) {
    return String.valueOf(JsonText.readObject(response.getBody().readUtf8()).get("message"));
  }
}
