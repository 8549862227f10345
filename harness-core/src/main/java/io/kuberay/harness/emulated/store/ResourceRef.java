package io.kuberay.harness.emulated.store;

/**
 * A resource the API serves, such as {@code pods} or {@code rayclusters.ray.io/v1}: one table of
 * the store.
 */
public record ResourceRef(String group, String version, String plural) {

  public static final ResourceRef NAMESPACES = new ResourceRef("", "v1", "namespaces");

  /** The name the API server uses in messages: {@code pods}, {@code rayclusters.ray.io}. */
  public String qualified() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
