package io.kuberay.harness.emulated.store;

import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object as the emulated API server stores it: the JSON it serves, and the few fields that
 * lists, selectors, watches and the garbage collector read (owners, finalizers, whether it is
 * marked for deletion), so that they never parse the JSON.
 */
public record StoredObject(
    String json,
    String namespace,
    String name,
    String uid,
    long resourceVersion,
    Map<String, String> labels,
    List<String> ownerUids,
    List<String> finalizers,
    boolean markedForDeletion) {

  /** Serializes {@code object} (metadata complete, resourceVersion set) and indexes it. */
  static StoredObject of(Map<String, Object> object) {
    Map<String, Object> metadata = Maps.map(object.get("metadata"));
    Map<String, String> labels = new LinkedHashMap<>();
    Maps.map(metadata.get("labels"))
        .forEach((k, v) -> labels.put(k, v == null ? "" : String.valueOf(v)));
    List<String> owners =
        Maps.list(metadata.get("ownerReferences")).stream()
            .map(o -> String.valueOf(Maps.map(o).get("uid")))
            .toList();
    return new StoredObject(
        JsonText.write(object),
        (String) metadata.get("namespace"),
        (String) metadata.get("name"),
        (String) metadata.get("uid"),
        Long.parseLong(String.valueOf(metadata.get("resourceVersion"))),
        Map.copyOf(labels),
        owners,
        Maps.list(metadata.get("finalizers")).stream().map(String::valueOf).toList(),
        metadata.get("deletionTimestamp") != null);
  }

  public boolean hasFinalizers() {
    return !finalizers.isEmpty();
  }

  /** A fresh, mutable copy of the object. */
  public Map<String, Object> object() {
    return JsonText.readObject(json);
  }

  /** The key objects are sorted by, as etcd sorts them: namespace, then name. */
  String key() {
    return key(namespace, name);
  }

  static String key(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }
}
