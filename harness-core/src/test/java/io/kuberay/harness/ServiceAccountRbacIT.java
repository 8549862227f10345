package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A service account's token through the HTTPS front, as a pod or {@code kubectl --token} uses it:
 * RBAC decides. The admin creates a ServiceAccount, a Role that may read pods and configmaps and a
 * RoleBinding; a token from the TokenRequest API ({@code kubectl create token}) then reads, and is
 * refused everything else with kube-apiserver's 403, changing nothing.
 */
class ServiceAccountRbacIT {

  private static final String USER = "system:serviceaccount:default:reader";
  private static KubeRayEnvironment env;
  private static String token;

  @BeforeAll
  static void start() {
    env = KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly();
    KubernetesClient admin = env.client();
    admin
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("reader").endMetadata().build())
        .create();
    admin
        .rbac()
        .roles()
        .inNamespace("default")
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("reader")
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("pods", "configmaps")
                .withVerbs("get", "list", "watch")
                .endRule()
                .build())
        .create();
    admin
        .rbac()
        .roleBindings()
        .inNamespace("default")
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("reader")
                .endMetadata()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("reader")
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName("reader")
                .endRoleRef()
                .build())
        .create();
    admin
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("keep")
                .endMetadata()
                .addToData("a", "1")
                .build())
        .create();
    HttpResponse<String> minted =
        KubeconfigHttp.send(
            env,
            "POST",
            "/api/v1/namespaces/default/serviceaccounts/reader/token",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
    assertThat(minted.code()).as(minted.body()).isEqualTo(201);
    token = String.valueOf(Maps.map(JsonText.readObject(minted.body()).get("status")).get("token"));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName("what the Role grants: 200 for a list, a get and a watch; discovery for everyone")
  void allowedRequestsSucceed() {
    assertThat(get("/api/v1/namespaces/default/configmaps").code()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/default/configmaps/keep").body()).contains("\"a\":\"1\"");
    assertThat(get("/api/v1/namespaces/default/pods").code()).isEqualTo(200);
    assertThat(get("/apis").code()).isEqualTo(200);
    assertThat(get("/version").code()).isEqualTo(200);
    try (KubernetesClient reader = KubeconfigHttp.clientAs(env, token)) {
      assertThat(reader.configMaps().inNamespace("default").withName("keep").get().getData())
          .containsEntry("a", "1");
    }
  }

  @Test
  @DisplayName("a refused write: 403 Forbidden with kube-apiserver's message, nothing changed")
  void refusedWritesChangeNothing() {
    HttpResponse<String> delete =
        KubeconfigHttp.sendAs(
            env, token, "DELETE", "/api/v1/namespaces/default/configmaps/keep", "{}");
    assertThat(delete.code()).isEqualTo(403);
    assertThat(JsonText.readObject(delete.body()))
        .containsEntry("reason", "Forbidden")
        .containsEntry(
            "message",
            "configmaps \"keep\" is forbidden: User \""
                + USER
                + "\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"default\"");
    assertThat(env.client().configMaps().inNamespace("default").withName("keep").get()).isNotNull();

    try (KubernetesClient reader = KubeconfigHttp.clientAs(env, token)) {
      assertThatThrownBy(
              () ->
                  reader
                      .configMaps()
                      .inNamespace("default")
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName("new")
                              .endMetadata()
                              .build())
                      .create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains(
                        "configmaps is forbidden: User \""
                            + USER
                            + "\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"");
              });
      assertThatThrownBy(() -> reader.pods().inNamespace("kube-system").list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> reader.nodes().list())
          .hasMessageContaining(
              "nodes is forbidden: User \""
                  + USER
                  + "\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    }
    assertThat(env.client().configMaps().inNamespace("default").withName("new").get()).isNull();
  }

  @Test
  @DisplayName(
      "kubectl auth can-i --token: SelfSubjectAccessReview and RulesReview answer from RBAC")
  void accessReviewsAnswerForTheServiceAccount() {
    assertThat(canI("list", "pods", "default")).isEqualTo(true);
    assertThat(canI("delete", "configmaps", "default")).isEqualTo(false);
    assertThat(canI("list", "pods", "kube-system")).isEqualTo(false);
    HttpResponse<String> rules =
        KubeconfigHttp.sendAs(
            env,
            token,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                + "\"spec\":{\"namespace\":\"default\"}}");
    assertThat(rules.code()).isEqualTo(201);
    Map<String, Object> status = Maps.map(JsonText.readObject(rules.body()).get("status"));
    assertThat(Maps.list(status.get("resourceRules")))
        .contains(
            Map.of(
                "verbs",
                List.of("get", "list", "watch"),
                "apiGroups",
                List.of(""),
                "resources",
                List.of("pods", "configmaps")));
    // The admin may do everything.
    HttpResponse<String> admin =
        KubeconfigHttp.send(
            env,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            review("delete", "nodes", ""));
    assertThat(Maps.map(JsonText.readObject(admin.body()).get("status")))
        .containsEntry("allowed", true);
  }

  @Test
  @DisplayName("a token for a service account that does not exist: 404, as the TokenRequest API")
  void noTokenForAMissingServiceAccount() {
    HttpResponse<String> minted =
        KubeconfigHttp.send(
            env, "POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", "{}");
    assertThat(minted.code()).isEqualTo(404);
    assertThat(minted.body()).contains("serviceaccounts \\\"nobody\\\" not found");
  }

  private static HttpResponse<String> get(String path) {
    return KubeconfigHttp.sendAs(env, token, "GET", path, null);
  }

  private static Object canI(String verb, String resource, String namespace) {
    HttpResponse<String> response =
        KubeconfigHttp.sendAs(
            env,
            token,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            review(verb, resource, namespace));
    assertThat(response.code()).as(response.body()).isEqualTo(201);
    return Maps.map(JsonText.readObject(response.body()).get("status")).get("allowed");
  }

  private static String review(String verb, String resource, String namespace) {
    return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
        + "\"spec\":{\"resourceAttributes\":{\"verb\":\""
        + verb
        + "\",\"resource\":\""
        + resource
        + "\",\"namespace\":\""
        + namespace
        + "\"}}}";
  }
}
