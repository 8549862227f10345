package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.api.review.AccessReviews;
import io.kuberay.harness.emulated.api.review.AuthenticationReviews;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API discovery documents ({@code /api}, {@code /apis}, resource lists) for the built-in
 * resources the emulated cluster serves plus every installed CRD, so that discovering clients such
 * as kubectl work.
 */
final class Discovery {

  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** group/version → resources, in registration order. */
  private final Map<String, Map<String, ApiResource>> groups = new LinkedHashMap<>();

  private final Map<String, ApiResource> crds = new ConcurrentHashMap<>();

  record ApiResource(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      boolean hasStatus) {}

  Discovery() {
    core("pods", "Pod", true, List.of("po"), List.of("all"), true);
    core("services", "Service", true, List.of("svc"), List.of("all"), true);
    core("namespaces", "Namespace", false, List.of("ns"), List.of(), true);
    core("nodes", "Node", false, List.of("no"), List.of(), true);
    core("events", "Event", true, List.of("ev"), List.of(), false);
    core("configmaps", "ConfigMap", true, List.of("cm"), List.of(), false);
    core("secrets", "Secret", true, List.of(), List.of(), false);
    core("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of(), false);
    core("endpoints", "Endpoints", true, List.of("ep"), List.of(), false);
    core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), List.of(), true);
    add(
        new ApiResource(
            "apps",
            "v1",
            "deployments",
            "Deployment",
            true,
            List.of("deploy"),
            List.of("all"),
            true));
    add(
        new ApiResource(
            "apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), List.of("all"), true));
    add(
        new ApiResource(
            "apps",
            "v1",
            "statefulsets",
            "StatefulSet",
            true,
            List.of("sts"),
            List.of("all"),
            true));
    add(
        new ApiResource(
            "apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), List.of("all"), true));
    add(new ApiResource("batch", "v1", "jobs", "Job", true, List.of(), List.of("all"), true));
    add(
        new ApiResource(
            "batch", "v1", "cronjobs", "CronJob", true, List.of("cj"), List.of("all"), true));
    for (String[] r : new String[][] {{"roles", "Role"}, {"rolebindings", "RoleBinding"}}) {
      add(
          new ApiResource(
              "rbac.authorization.k8s.io", "v1", r[0], r[1], true, List.of(), List.of(), false));
    }
    for (String[] r :
        new String[][] {
          {"clusterroles", "ClusterRole"}, {"clusterrolebindings", "ClusterRoleBinding"}
        }) {
      add(
          new ApiResource(
              "rbac.authorization.k8s.io", "v1", r[0], r[1], false, List.of(), List.of(), false));
    }
    add(
        new ApiResource(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            List.of("api-extensions"),
            true));
    // The reviews: create-only kinds, each class saying which it answers.
    AuthenticationReviews.KINDS.forEach(k -> add(review(AuthenticationReviews.GROUP, k)));
    AccessReviews.KINDS.forEach(k -> add(review(AccessReviews.GROUP, k)));
    add(
        new ApiResource(
            "coordination.k8s.io", "v1", "leases", "Lease", true, List.of(), List.of(), false));
    add(
        new ApiResource(
            "events.k8s.io", "v1", "events", "Event", true, List.of("ev"), List.of(), false));
    add(
        new ApiResource(
            "discovery.k8s.io",
            "v1",
            "endpointslices",
            "EndpointSlice",
            true,
            List.of(),
            List.of(),
            false));
    add(
        new ApiResource(
            "networking.k8s.io",
            "v1",
            "ingresses",
            "Ingress",
            true,
            List.of("ing"),
            List.of(),
            true));
  }

  private void core(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      boolean status) {
    add(new ApiResource("", "v1", plural, kind, namespaced, shortNames, categories, status));
  }

  /** A review kind: cluster-scoped but for LocalSubjectAccessReview, no status. */
  private static ApiResource review(String group, String kind) {
    return new ApiResource(
        group,
        "v1",
        kind.toLowerCase(Locale.ROOT) + "s",
        kind,
        kind.startsWith("Local"),
        List.of(),
        List.of(),
        false);
  }

  private synchronized void add(ApiResource r) {
    groups
        .computeIfAbsent(groupVersion(r.group(), r.version()), k -> new LinkedHashMap<>())
        .put(r.plural(), r);
  }

  static String groupVersion(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Registers or replaces the resource a CRD defines, one entry per served version. */
  synchronized void addCrd(Map<String, Object> crd) {
    Map<String, Object> spec = Maps.map(crd.get("spec"));
    String group = String.valueOf(spec.get("group"));
    Map<String, Object> names = Maps.map(spec.get("names"));
    boolean namespaced = "Namespaced".equals(spec.get("scope"));
    for (Object v : Maps.list(spec.get("versions"))) {
      Map<String, Object> version = Maps.map(v);
      if (!Maps.bool(version, "served")) {
        continue;
      }
      ApiResource r =
          new ApiResource(
              group,
              String.valueOf(version.get("name")),
              String.valueOf(names.get("plural")),
              String.valueOf(names.get("kind")),
              namespaced,
              Maps.list(names.get("shortNames")).stream().map(String::valueOf).toList(),
              Maps.list(names.get("categories")).stream().map(String::valueOf).toList(),
              Maps.get(version, "subresources", "status") != null);
      add(r);
      crds.put(group + "/" + r.version() + "/" + r.plural(), r);
    }
  }

  synchronized void removeCrd(Map<String, Object> crd) {
    Map<String, Object> spec = Maps.map(crd.get("spec"));
    String group = String.valueOf(spec.get("group"));
    String plural = String.valueOf(Maps.map(spec.get("names")).get("plural"));
    for (Object v : Maps.list(spec.get("versions"))) {
      String version = String.valueOf(Maps.map(v).get("name"));
      Map<String, ApiResource> resources = groups.get(groupVersion(group, version));
      if (resources != null) {
        resources.remove(plural);
        if (resources.isEmpty()) {
          groups.remove(groupVersion(group, version));
        }
      }
      crds.remove(group + "/" + version + "/" + plural);
    }
  }

  /**
   * Whether a CRD defines the resource with a status subresource: writes to the object then leave
   * status alone.
   */
  boolean hasStatusSubresource(String group, String version, String plural) {
    ApiResource r = crds.get(group + "/" + version + "/" + plural);
    return r != null && r.hasStatus();
  }

  /** Whether a CRD defines the resource (a custom resource, not a built-in kind). */
  boolean isCustom(String group, String version, String plural) {
    return crds.containsKey(group + "/" + version + "/" + plural);
  }

  /** Every resource served, built-in and CRD-defined, in registration order. */
  synchronized List<ApiResource> resources() {
    List<ApiResource> out = new ArrayList<>();
    groups.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  synchronized List<ApiResource> namespacedResources() {
    List<ApiResource> out = new ArrayList<>();
    groups
        .values()
        .forEach(m -> m.values().stream().filter(ApiResource::namespaced).forEach(out::add));
    return out;
  }

  synchronized Optional<ApiResource> findKind(String group, String version, String kind) {
    Map<String, ApiResource> resources = groups.get(groupVersion(group, version));
    return resources == null
        ? Optional.empty()
        : resources.values().stream().filter(r -> r.kind().equals(kind)).findFirst();
  }

  synchronized Optional<ApiResource> find(String group, String version, String plural) {
    Map<String, ApiResource> resources = groups.get(groupVersion(group, version));
    return resources == null ? Optional.empty() : Optional.ofNullable(resources.get(plural));
  }

  Map<String, Object> coreVersions() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIVersions");
    doc.put("versions", List.of("v1"));
    doc.put(
        "serverAddressByClientCIDRs",
        List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1:6443")));
    return doc;
  }

  synchronized Map<String, Object> groupList() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (String gv : groups.keySet()) {
      if (!gv.contains("/")) {
        continue;
      }
      String[] parts = gv.split("/", 2);
      versionsByGroup.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
    }
    List<Object> list = new ArrayList<>();
    versionsByGroup.forEach((g, versions) -> list.add(group(g, versions)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    doc.put("groups", list);
    return doc;
  }

  synchronized Optional<Map<String, Object>> group(String name) {
    List<String> versions = new ArrayList<>();
    for (String gv : groups.keySet()) {
      if (gv.startsWith(name + "/")) {
        versions.add(gv.substring(name.length() + 1));
      }
    }
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> doc = group(name, versions);
    doc.put("kind", "APIGroup");
    doc.put("apiVersion", "v1");
    return Optional.of(doc);
  }

  private static Map<String, Object> group(String name, List<String> versions) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("name", name);
    List<Object> vs = new ArrayList<>();
    for (String v : versions) {
      vs.add(Map.of("groupVersion", name + "/" + v, "version", v));
    }
    g.put("versions", vs);
    g.put(
        "preferredVersion",
        Map.of("groupVersion", name + "/" + versions.get(0), "version", versions.get(0)));
    return g;
  }

  synchronized Optional<Map<String, Object>> resourceList(String groupVersion) {
    Map<String, ApiResource> resources = groups.get(groupVersion);
    if (resources == null) {
      return Optional.empty();
    }
    List<Object> list = new ArrayList<>();
    for (ApiResource r : resources.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", r.plural());
      entry.put("singularName", r.kind().toLowerCase(Locale.ROOT));
      entry.put("namespaced", r.namespaced());
      entry.put("kind", r.kind());
      entry.put(
          "verbs",
          AccessReviews.KINDS.contains(r.kind()) || AuthenticationReviews.KINDS.contains(r.kind())
              ? List.of("create")
              : ALL_VERBS);
      if (!r.shortNames().isEmpty()) {
        entry.put("shortNames", r.shortNames());
      }
      if (!r.categories().isEmpty()) {
        entry.put("categories", r.categories());
      }
      list.add(entry);
      if (r.hasStatus()) {
        list.add(sub(r, "status", List.of("get", "patch", "update")));
      }
      if ("pods".equals(r.plural()) && r.group().isEmpty()) {
        list.add(sub(r, "log", List.of("get")));
        list.add(sub(r, "exec", List.of("create", "get")));
        list.add(sub(r, "portforward", List.of("create", "get")));
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", groupVersion);
    doc.put("resources", list);
    return Optional.of(doc);
  }

  private static Map<String, Object> sub(ApiResource r, String name, List<String> verbs) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", r.plural() + "/" + name);
    entry.put("singularName", "");
    entry.put("namespaced", r.namespaced());
    entry.put(
        "kind", "status".equals(name) ? r.kind() : name.equals("log") ? "Pod" : "PodExecOptions");
    entry.put("verbs", verbs);
    return entry;
  }
}
