package io.kuberay.harness.emulated.api.rbac;

import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule of a Role or ClusterRole, and whether it allows a request, with RBAC's matching: {@code
 * *} for any verb, group, resource or URL; a resource {@code pods/log} for that subresource alone,
 * {@code *}{@code /log} for that subresource of any resource; {@code resourceNames} limiting to the
 * named objects (so never a create or list without a name); a non-resource URL ending in {@code *}
 * as a prefix.
 */
record PolicyRule(
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> resourceNames,
    List<String> nonResourceURLs) {

  private static final String ALL = "*";

  PolicyRule {
    verbs = List.copyOf(verbs);
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
    nonResourceURLs = List.copyOf(nonResourceURLs);
  }

  /** A rule as stored ({@code rules[i]} of a role). */
  static PolicyRule of(Map<String, Object> rule) {
    return new PolicyRule(
        strings(rule.get("verbs")),
        strings(rule.get("apiGroups")),
        strings(rule.get("resources")),
        strings(rule.get("resourceNames")),
        strings(rule.get("nonResourceURLs")));
  }

  static PolicyRule resources(List<String> verbs, List<String> apiGroups, List<String> resources) {
    return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
  }

  static PolicyRule urls(List<String> verbs, List<String> urls) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
  }

  boolean allows(RequestAttributes request) {
    if (!verbs.contains(ALL) && !verbs.contains(request.verb())) {
      return false;
    }
    if (!request.resourceRequest()) {
      return urlMatches(request.path());
    }
    return (apiGroups.contains(ALL) || apiGroups.contains(request.apiGroup()))
        && resourceMatches(request.resource(), request.subresource())
        && (resourceNames.isEmpty() || resourceNames.contains(request.name()));
  }

  private boolean resourceMatches(String resource, String subresource) {
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String r : resources) {
      if (r.equals(ALL) || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  private boolean urlMatches(String path) {
    for (String url : nonResourceURLs) {
      if (url.equals(ALL) || url.equals(path)) {
        return true;
      }
      if (url.endsWith(ALL) && path.startsWith(url.substring(0, url.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  /** The rule as stored, for a role's {@code rules} and a rules review. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verbs", verbs);
    if (!apiGroups.isEmpty() || nonResourceURLs.isEmpty()) {
      m.put("apiGroups", apiGroups);
    }
    if (!resources.isEmpty()) {
      m.put("resources", resources);
    }
    if (!resourceNames.isEmpty()) {
      m.put("resourceNames", resourceNames);
    }
    if (!nonResourceURLs.isEmpty()) {
      m.put("nonResourceURLs", nonResourceURLs);
    }
    return m;
  }

  private static List<String> strings(Object list) {
    return Maps.list(list).stream().map(String::valueOf).toList();
  }
}
