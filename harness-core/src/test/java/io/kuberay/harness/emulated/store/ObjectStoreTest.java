package io.kuberay.harness.emulated.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {

  private static final ResourceRef PODS = new ResourceRef("", "v1", "pods");
  private static final ResourceRef CONFIG_MAPS = new ResourceRef("", "v1", "configmaps");
  private static final ResourceRef SECRETS = new ResourceRef("", "v1", "secrets");

  private final ObjectStore store = new ObjectStore(4);

  @Test
  @DisplayName(
      "one resourceVersion counter for the whole store, increasing with every write of any resource")
  void oneCounter() {
    long a = store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of())).resourceVersion();
    long b = store.create(SECRETS, object("Secret", "ns", "b", Map.of())).resourceVersion();
    long c =
        store
            .update(CONFIG_MAPS, "ns", "a", o -> with(o, "data", Map.of("k", "v")))
            .resourceVersion();
    assertThat(List.of(a, b, c)).isSorted().doesNotHaveDuplicates();
    assertThat(store.list(CONFIG_MAPS, "ns", Selector.ALL).revision()).isEqualTo(c);
  }

  @Test
  @DisplayName("an update that changes nothing keeps the resourceVersion and sends no event")
  void noOpUpdate() {
    StoredObject created =
        store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of("app", "x")));
    List<String> events =
        open(
            store.watch(
                CONFIG_MAPS, null, Selector.ALL, String.valueOf(created.resourceVersion())));
    StoredObject same = store.update(CONFIG_MAPS, "ns", "a", o -> o);
    assertThat(same.resourceVersion()).isEqualTo(created.resourceVersion());
    assertThat(events).isEmpty();
  }

  @Test
  @DisplayName(
      "a watch from a list's resourceVersion first replays what changed since, including deletions")
  void replaysSinceList() {
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of()));
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "b", Map.of()));
    long listed = store.list(CONFIG_MAPS, "ns", Selector.ALL).revision();
    store.delete(CONFIG_MAPS, "ns", "a");
    store.update(CONFIG_MAPS, "ns", "b", o -> with(o, "data", Map.of("k", "v")));
    store.create(CONFIG_MAPS, object("ConfigMap", "other", "c", Map.of()));

    List<String> events =
        open(store.watch(CONFIG_MAPS, "ns", Selector.ALL, String.valueOf(listed)));

    assertThat(events).hasSize(2);
    assertThat(events.get(0))
        .startsWith("{\"type\":\"DELETED\"")
        .contains("\"name\":\"a\"")
        .contains("\"resourceVersion\":\"" + (listed + 1) + "\"");
    assertThat(events.get(1)).startsWith("{\"type\":\"MODIFIED\"").contains("\"name\":\"b\"");
    store.delete(CONFIG_MAPS, "ns", "b");
    assertThat(events).hasSize(3);
    assertThat(events.get(2)).startsWith("{\"type\":\"DELETED\"").contains("\"name\":\"b\"");
  }

  @Test
  @DisplayName("a watch without a resourceVersion starts with the current objects as ADDED")
  void initialState() {
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of()));
    store.delete(CONFIG_MAPS, "ns", "a");
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "b", Map.of()));
    List<String> events = open(store.watch(CONFIG_MAPS, null, Selector.ALL, null));
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("{\"type\":\"ADDED\"")
        .contains("\"name\":\"b\"");
  }

  @Test
  @DisplayName(
      "a watch from a resourceVersion older than the kept history gets a 410 Gone ERROR (reason Expired) and ends")
  void expired() {
    long first =
        store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of())).resourceVersion();
    for (int i = 0; i < 6; i++) {
      int n = i;
      store.update(CONFIG_MAPS, "ns", "a", o -> with(o, "data", Map.of("n", String.valueOf(n))));
    }
    List<String> events = new ArrayList<>();
    boolean[] ended = {false};
    StoreWatch watch = store.watch(CONFIG_MAPS, null, Selector.ALL, String.valueOf(first));
    watch.connect(
        new StoreWatch.Connection() {
          @Override
          public void send(WatchEvent event) {
            events.add(event.json());
          }

          @Override
          public void end() {
            ended[0] = true;
          }
        });
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("{\"type\":\"ERROR\"")
        .contains("\"reason\":\"Expired\"", "\"code\":410", "too old resource version: " + first);
    assertThat(ended[0]).isTrue();
    assertThat(watch.isClosed()).isTrue();

    // Within the kept history the same request replays.
    long recent = store.revision() - 2;
    assertThat(open(store.watch(CONFIG_MAPS, null, Selector.ALL, String.valueOf(recent))))
        .hasSize(2);
  }

  @Test
  @DisplayName(
      "a label change moves an object into and out of a selective watch as ADDED and DELETED")
  void selectorTransitions() {
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of("tier", "front")));
    List<String> events =
        open(store.watch(CONFIG_MAPS, null, Selector.parse("tier in (back)", null), null));
    store.update(CONFIG_MAPS, "ns", "a", o -> labels(o, Map.of("tier", "back")));
    store.update(CONFIG_MAPS, "ns", "a", o -> labels(o, Map.of("tier", "front")));
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).startsWith("{\"type\":\"ADDED\"");
    assertThat(events.get(1)).startsWith("{\"type\":\"DELETED\"").contains("\"tier\":\"back\"");
  }

  @Test
  @DisplayName(
      "delete with finalizers only marks the object; removing the last finalizer deletes it")
  void finalizers() {
    Map<String, Object> held = object("ConfigMap", "ns", "a", Map.of());
    Maps.map(held.get("metadata")).put("finalizers", List.of("example.com/hold"));
    store.create(CONFIG_MAPS, held);
    ObjectStore.Deletion deletion = store.delete(CONFIG_MAPS, "ns", "a");
    assertThat(deletion.pending()).isTrue();
    assertThat(deletion.object().json()).contains("deletionTimestamp");
    store.update(
        CONFIG_MAPS,
        "ns",
        "a",
        o -> {
          Maps.map(o.get("metadata")).remove("finalizers");
          return o;
        });
    assertThat(store.get(CONFIG_MAPS, "ns", "a")).isEmpty();
  }

  @Test
  @DisplayName("create of a taken name is a 409 AlreadyExists; generation moves only with the spec")
  void conflictAndGeneration() {
    store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of()));
    assertThatThrownBy(() -> store.create(CONFIG_MAPS, object("ConfigMap", "ns", "a", Map.of())))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409))
        .hasMessage("configmaps \"a\" already exists");
    assertThat(store.get(CONFIG_MAPS, "ns", "a").orElseThrow().json())
        .as("config maps have no generation")
        .doesNotContain("\"generation\"");

    store.create(PODS, object("Pod", "ns", "p", Map.of()));
    store.update(PODS, "ns", "p", o -> with(o, "status", Map.of("phase", "x")));
    assertThat(store.get(PODS, "ns", "p").orElseThrow().json()).contains("\"generation\":1");
    store.bind(PODS, "ns", "p", o -> with(o, "spec", Map.of("nodeName", "node")));
    assertThat(store.get(PODS, "ns", "p").orElseThrow().json())
        .as("a binding is not a spec change")
        .contains("\"generation\":1");
    store.update(PODS, "ns", "p", o -> with(o, "spec", Map.of("nodeName", "node", "x", 1)));
    assertThat(store.get(PODS, "ns", "p").orElseThrow().json()).contains("\"generation\":2");
  }

  private static List<String> open(StoreWatch watch) {
    List<String> events = new ArrayList<>();
    watch.connect(
        new StoreWatch.Connection() {
          @Override
          public void send(WatchEvent event) {
            events.add(event.json());
          }

          @Override
          public void end() {}
        });
    return events;
  }

  private static Map<String, Object> object(
      String kind, String namespace, String name, Map<String, String> labels) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    metadata.put("labels", new LinkedHashMap<>(labels));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", kind);
    o.put("metadata", metadata);
    return o;
  }

  private static Map<String, Object> with(Map<String, Object> o, String key, Object value) {
    o.put(key, value);
    return o;
  }

  private static Map<String, Object> labels(Map<String, Object> o, Map<String, String> labels) {
    Maps.map(o.get("metadata")).put("labels", labels);
    return o;
  }
}
