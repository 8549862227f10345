package io.kuberay.harness.emulated.store;

/**
 * One event of a watch: ADDED, MODIFIED, DELETED (the object's last state, at the deletion's
 * resourceVersion) or ERROR (a Status; {@code object} is null then).
 */
public record WatchEvent(String type, String objectJson, StoredObject object) {

  static WatchEvent of(String type, StoredObject object) {
    return new WatchEvent(type, object.json(), object);
  }

  /** The event as the API server streams it: {@code {"type":"ADDED","object":{...}}}. */
  public String json() {
    return "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";
  }
}
