package io.kuberay.harness.emulated;

/** A resource the API serves, such as {@code pods} or {@code rayclusters.ray.io/v1}: one table of the store. */
record ResourceRef(String group, String version, String plural) {

  static final ResourceRef NAMESPACES = new ResourceRef("", "v1", "namespaces");

  /** The name the API server uses in messages: {@code pods}, {@code rayclusters.ray.io}. */
  String qualified() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
