package io.kuberay.harness.emulated.api.rbac;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ClusterRoles and ClusterRoleBindings kube-apiserver creates at start that every service
 * account relies on: discovery and health paths ({@code system:discovery}, {@code
 * system:public-info-viewer}), access reviews ({@code system:basic-user}), all bound to {@code
 * system:authenticated}; and {@code cluster-admin}, bound to {@code system:masters}. The aggregated
 * {@code admin}, {@code edit} and {@code view} roles are not among them (docs/PARITY.md).
 */
public final class BootstrapPolicy {

  private static final List<String> GET = List.of("get");
  private static final List<String> HEALTH =
      List.of("/healthz", "/livez", "/readyz", "/version", "/version/");

  private BootstrapPolicy() {}

  /** The ClusterRoles, then the ClusterRoleBindings, as objects to create. */
  public static List<Map<String, Object>> objects() {
    List<String> discovery =
        List.of(
            "/api",
            "/api/*",
            "/apis",
            "/apis/*",
            "/healthz",
            "/livez",
            "/openapi",
            "/openapi/*",
            "/readyz",
            "/version",
            "/version/");
    return List.of(
        role(
            "cluster-admin",
            List.of(
                PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
                PolicyRule.urls(List.of("*"), List.of("*")))),
        role("system:discovery", List.of(PolicyRule.urls(GET, discovery))),
        role("system:public-info-viewer", List.of(PolicyRule.urls(GET, HEALTH))),
        role(
            "system:basic-user",
            List.of(
                PolicyRule.resources(
                    List.of("create"),
                    List.of("authorization.k8s.io"),
                    List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
                PolicyRule.resources(
                    List.of("create"),
                    List.of("authentication.k8s.io"),
                    List.of("selfsubjectreviews")))),
        // What delegated authentication needs (bound by users, e.g. for Ray's K8s token auth).
        role(
            "system:auth-delegator",
            List.of(
                PolicyRule.resources(
                    List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
                PolicyRule.resources(
                    List.of("create"),
                    List.of("authorization.k8s.io"),
                    List.of("subjectaccessreviews")))),
        binding("cluster-admin", List.of(UserInfo.MASTERS)),
        binding("system:discovery", List.of(UserInfo.AUTHENTICATED)),
        binding(
            "system:public-info-viewer", List.of(UserInfo.AUTHENTICATED, "system:unauthenticated")),
        binding("system:basic-user", List.of(UserInfo.AUTHENTICATED)));
  }

  private static Map<String, Object> role(String name, List<PolicyRule> rules) {
    Map<String, Object> role = object("ClusterRole", name);
    role.put("rules", rules.stream().map(PolicyRule::toMap).toList());
    return role;
  }

  private static Map<String, Object> binding(String name, List<String> groups) {
    Map<String, Object> binding = object("ClusterRoleBinding", name);
    binding.put(
        "roleRef", Map.of("apiGroup", RbacAuthorizer.GROUP, "kind", "ClusterRole", "name", name));
    binding.put(
        "subjects",
        groups.stream()
            .map(g -> Map.of("apiGroup", RbacAuthorizer.GROUP, "kind", "Group", "name", g))
            .toList());
    return binding;
  }

  private static Map<String, Object> object(String kind, String name) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("labels", Map.of("kubernetes.io/bootstrapping", "rbac-defaults"));
    metadata.put("annotations", Map.of("rbac.authorization.kubernetes.io/autoupdate", "true"));
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", RbacAuthorizer.GROUP + "/v1");
    object.put("kind", kind);
    object.put("metadata", metadata);
    return object;
  }
}
