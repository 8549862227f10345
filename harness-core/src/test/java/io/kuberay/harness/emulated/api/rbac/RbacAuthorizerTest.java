package io.kuberay.harness.emulated.api.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The RBAC authorizer over stored roles and bindings, one row a request of service account {@code
 * default/foo}: allowed, or refused with kube-apiserver's 403 message.
 */
class RbacAuthorizerTest {

  private static final UserInfo FOO = UserInfo.serviceAccount("default", "foo");
  private final ObjectStore store = new ObjectStore();
  private final RbacAuthorizer rbac = new RbacAuthorizer(store);

  @BeforeEach
  void policy() {
    BootstrapPolicy.objects()
        .forEach(
            o ->
                store.create(
                    "ClusterRole".equals(o.get("kind"))
                        ? RbacAuthorizer.CLUSTER_ROLES
                        : RbacAuthorizer.CLUSTER_ROLE_BINDINGS,
                    o));
    store.create(
        RbacAuthorizer.ROLES,
        role(
            "default",
            "reader",
            rule(List.of("get", "list", "watch"), "", List.of("pods"), List.of()),
            rule(List.of("get"), "", List.of("pods/log"), List.of())));
    store.create(
        RbacAuthorizer.ROLE_BINDINGS,
        binding(
            "default",
            "reader",
            "Role",
            "reader",
            Map.of("kind", "ServiceAccount", "name", "foo")));
    store.create(
        RbacAuthorizer.CLUSTER_ROLES,
        role(
            null,
            "status-writer",
            rule(List.of("*"), "ray.io", List.of("rayclusters/status"), List.of("rc1")),
            rule(List.of("get"), "*", List.of("*/scale"), List.of())));
    store.create(
        RbacAuthorizer.CLUSTER_ROLE_BINDINGS,
        binding(
            null,
            "foo-status",
            "ClusterRole",
            "status-writer",
            Map.of("kind", "ServiceAccount", "name", "foo", "namespace", "default")));
    // A binding in "other" whose Role does not exist: refusals there name it.
    store.create(
        RbacAuthorizer.ROLE_BINDINGS,
        binding(
            "other",
            "ghost",
            "Role",
            "ghost",
            Map.of("kind", "ServiceAccount", "name", "foo", "namespace", "default")));
    // Bindings to someone else grant foo nothing.
    store.create(
        RbacAuthorizer.ROLE_BINDINGS,
        binding(
            "default",
            "bar",
            "ClusterRole",
            "cluster-admin",
            Map.of("kind", "ServiceAccount", "name", "bar")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET | /api/v1/namespaces/default/pods | ''",
        "GET | /api/v1/namespaces/default/pods?watch=true | ''",
        "GET | /api/v1/namespaces/default/pods/p | ''",
        "GET | /api/v1/namespaces/default/pods/p/log | ''",
        "PUT | /apis/ray.io/v1/namespaces/x/rayclusters/rc1/status | ''",
        "PATCH | /apis/ray.io/v1/namespaces/x/rayclusters/rc1/status | ''",
        "GET | /apis/apps/v1/namespaces/x/deployments/d/scale | ''",
        "GET | /apis | ''",
        "GET | /apis/ray.io/v1 | ''",
        "GET | /version | ''",
        "GET | /openapi/v3 | ''",
        "POST | /apis/authorization.k8s.io/v1/selfsubjectaccessreviews | ''",
        "POST | /apis/authorization.k8s.io/v1/selfsubjectrulesreviews | ''",
        "GET | /api/v1/namespaces/other/pods"
            + " | pods is forbidden: User \"system:serviceaccount:default:foo\" cannot list resource \"pods\" in API group \"\" in the namespace \"other\": RBAC: role.rbac.authorization.k8s.io \"ghost\" not found",
        "DELETE | /api/v1/namespaces/default/pods"
            + " | pods is forbidden: User \"system:serviceaccount:default:foo\" cannot deletecollection resource \"pods\" in API group \"\" in the namespace \"default\"",
        "DELETE | /api/v1/namespaces/default/pods/p"
            + " | pods \"p\" is forbidden: User \"system:serviceaccount:default:foo\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"",
        "POST | /api/v1/namespaces/default/pods/p/exec?command=id"
            + " | pods \"p\" is forbidden: User \"system:serviceaccount:default:foo\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\"",
        "GET | /api/v1/namespaces/default/pods/p/portforward"
            + " | pods \"p\" is forbidden: User \"system:serviceaccount:default:foo\" cannot get resource \"pods/portforward\" in API group \"\" in the namespace \"default\"",
        "PUT | /apis/ray.io/v1/namespaces/x/rayclusters/rc2/status"
            + " | rayclusters.ray.io \"rc2\" is forbidden: User \"system:serviceaccount:default:foo\" cannot update resource \"rayclusters/status\" in API group \"ray.io\" in the namespace \"x\"",
        "PUT | /apis/ray.io/v1/namespaces/x/rayclusters/rc1"
            + " | rayclusters.ray.io \"rc1\" is forbidden: User \"system:serviceaccount:default:foo\" cannot update resource \"rayclusters\" in API group \"ray.io\" in the namespace \"x\"",
        "GET | /apis/apps/v1/namespaces/x/deployments/d/status"
            + " | deployments.apps \"d\" is forbidden: User \"system:serviceaccount:default:foo\" cannot get resource \"deployments/status\" in API group \"apps\" in the namespace \"x\"",
        "GET | /api/v1/nodes"
            + " | nodes is forbidden: User \"system:serviceaccount:default:foo\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
        "GET | /api/v1/namespaces/default"
            + " | namespaces \"default\" is forbidden: User \"system:serviceaccount:default:foo\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\"",
        "GET | /metrics | forbidden: User \"system:serviceaccount:default:foo\" cannot get path \"/metrics\"",
        "POST | /version | forbidden: User \"system:serviceaccount:default:foo\" cannot post path \"/version\"",
      })
  void serviceAccountRequests(String method, String uri, String refusal) {
    Optional<MockResponse> response = rbac.refusal(FOO, method, uri);
    if (refusal.isEmpty()) {
      assertThat(response).as("%s %s allowed", method, uri).isEmpty();
      return;
    }
    assertThat(response).as("%s %s refused", method, uri).isPresent();
    assertThat(response.get().code()).isEqualTo(403);
    Map<String, Object> status = JsonText.readObject(response.get().getBody().readUtf8());
    assertThat(status)
        .containsEntry("kind", "Status")
        .containsEntry("status", "Failure")
        .containsEntry("reason", "Forbidden")
        .containsEntry("code", 403)
        .containsEntry("message", refusal);
  }

  @Test
  void aRefusalsDetailsNameTheObjectGroupAndResource() {
    MockResponse response =
        rbac.refusal(FOO, "PUT", "/apis/ray.io/v1/namespaces/x/rayclusters/rc2/status")
            .orElseThrow();
    assertThat(JsonText.readObject(response.getBody().readUtf8()))
        .containsEntry("details", Map.of("name", "rc2", "group", "ray.io", "kind", "rayclusters"));
  }

  @Test
  void theAllowingBindingIsTheReason() {
    assertThat(
            rbac.authorize(
                FOO, RequestAttributes.resource("get", "", "default", "pods", "log", "p")))
        .isEqualTo(
            new RbacAuthorizer.Decision(
                true,
                "RBAC: allowed by RoleBinding \"reader/default\" of Role \"reader\" to ServiceAccount \"foo/default\""));
    assertThat(rbac.authorize(FOO, RequestAttributes.nonResource("get", "/api")).reason())
        .isEqualTo(
            "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\"");
  }

  @Test
  void systemMastersAndTheInProcessIdentityMayDoEverythingWithoutBindings() {
    ObjectStore empty = new ObjectStore();
    RbacAuthorizer none = new RbacAuthorizer(empty);
    for (UserInfo privileged : List.of(UserInfo.ADMIN, UserInfo.IN_PROCESS)) {
      assertThat(none.refusal(privileged, "DELETE", "/api/v1/nodes/n")).isEmpty();
      assertThat(none.refusal(privileged, "GET", "/metrics")).isEmpty();
    }
    assertThat(none.refusal(FOO, "GET", "/api")).isPresent();
  }

  @Test
  void anotherNamespacesServiceAccountOfTheSameNameGetsNothing() {
    UserInfo twin = UserInfo.serviceAccount("x", "foo");
    assertThat(twin.groups())
        .containsExactly(
            "system:serviceaccounts", "system:serviceaccounts:x", "system:authenticated");
    assertThat(rbac.refusal(twin, "GET", "/api/v1/namespaces/default/pods")).isPresent();
    assertThat(rbac.refusal(twin, "GET", "/apis")).isEmpty();
  }

  @Test
  void aGroupSubjectGrantsToEveryServiceAccountOfANamespace() {
    store.create(
        RbacAuthorizer.ROLE_BINDINGS,
        binding(
            "x",
            "all-of-x",
            "Role",
            "r",
            Map.of("kind", "Group", "name", "system:serviceaccounts:x")));
    store.create(
        RbacAuthorizer.ROLES,
        role("x", "r", rule(List.of("create"), "", List.of("configmaps"), List.of())));
    assertThat(
            rbac.refusal(
                UserInfo.serviceAccount("x", "any"), "POST", "/api/v1/namespaces/x/configmaps"))
        .isEmpty();
    assertThat(rbac.refusal(FOO, "POST", "/api/v1/namespaces/x/configmaps")).isPresent();
  }

  @Test
  void rulesReviewListsWhatTheBindingsGrantAndTheMissingRoles() {
    RbacAuthorizer.Rules inDefault = rbac.rules(FOO, "default");
    assertThat(inDefault.resourceRules())
        .contains(
            Map.of(
                "verbs",
                List.of("get", "list", "watch"),
                "apiGroups",
                List.of(""),
                "resources",
                List.of("pods")),
            Map.of(
                "verbs",
                List.of("create"),
                "apiGroups",
                List.of("authorization.k8s.io"),
                "resources",
                List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")));
    assertThat(inDefault.nonResourceRules())
        .anySatisfy(
            r ->
                assertThat(r.get("nonResourceURLs"))
                    .asInstanceOf(InstanceOfAssertFactories.LIST)
                    .contains("/apis/*"));
    assertThat(inDefault.evaluationError()).isEmpty();
    assertThat(rbac.rules(FOO, "other").evaluationError())
        .isEqualTo("role.rbac.authorization.k8s.io \"ghost\" not found");
  }

  private static Map<String, Object> rule(
      List<String> verbs, String group, List<String> resources, List<String> names) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("verbs", verbs);
    r.put("apiGroups", List.of(group));
    r.put("resources", resources);
    r.put("resourceNames", names);
    return r;
  }

  @SafeVarargs
  private static Map<String, Object> role(
      String namespace, String name, Map<String, Object>... rules) {
    Map<String, Object> role = object(namespace == null ? "ClusterRole" : "Role", namespace, name);
    role.put("rules", List.of(rules));
    return role;
  }

  private static Map<String, Object> binding(
      String namespace, String name, String roleKind, String role, Map<String, Object> subject) {
    Map<String, Object> b =
        object(namespace == null ? "ClusterRoleBinding" : "RoleBinding", namespace, name);
    b.put("roleRef", Map.of("apiGroup", RbacAuthorizer.GROUP, "kind", roleKind, "name", role));
    b.put("subjects", List.of(subject));
    return b;
  }

  private static Map<String, Object> object(String kind, String namespace, String name) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", RbacAuthorizer.GROUP + "/v1");
    o.put("kind", kind);
    o.put("metadata", metadata);
    return o;
  }
}
