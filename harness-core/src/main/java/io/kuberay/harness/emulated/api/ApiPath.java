package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.QueryString;
import java.util.Optional;

/**
 * A parsed Kubernetes API request path: {@code /api/v1/namespaces/ns/pods/name/log} or {@code
 * /apis/ray.io/v1/namespaces/ns/rayclusters/name/status}.
 */
public record ApiPath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    String query) {

  static Optional<ApiPath> parse(String rawPath) {
    int q = rawPath.indexOf('?');
    String path = q < 0 ? rawPath : rawPath.substring(0, q);
    String query = q < 0 ? "" : rawPath.substring(q + 1);
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int i;
    String group;
    String version;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      version = parts[1];
      i = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      version = parts[2];
      i = 3;
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (parts.length > i + 1 && parts[i].equals("namespaces") && parts.length > i + 2) {
      namespace = parts[i + 1];
      i += 2;
    }
    String plural = parts[i];
    String name = parts.length > i + 1 ? parts[i + 1] : null;
    String sub = parts.length > i + 2 ? parts[i + 2] : null;
    return Optional.of(new ApiPath(group, version, namespace, plural, name, sub, query));
  }

  /** The collection path this object is stored under. */
  String collection() {
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    return namespace == null
        ? base + "/" + plural
        : base + "/namespaces/" + namespace + "/" + plural;
  }

  String objectPath() {
    return collection() + "/" + name;
  }

  /** The store table this path addresses. */
  ResourceRef resource() {
    return new ResourceRef(group, version, plural);
  }

  /** A query parameter's first value, decoded; null when absent. */
  String queryParam(String key) {
    return new QueryString(query).first(key);
  }

  boolean queryHas(String key, String value) {
    for (String kv : query.split("&")) {
      if (kv.equals(key + "=" + value)) {
        return true;
      }
    }
    return false;
  }
}
