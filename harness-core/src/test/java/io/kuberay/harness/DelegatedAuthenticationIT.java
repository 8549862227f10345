package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * Delegated authentication and authorization through the HTTPS front, as Ray 2.55+ uses them with
 * KubeRay's {@code enableK8sTokenAuth}: a service account bound to {@code system:auth-delegator}
 * asks TokenReview who a token belongs to and SubjectAccessReview whether that user may {@code
 * ray:write} a RayCluster; a service account without the binding is refused both, and {@code
 * kubectl auth whoami}'s SelfSubjectReview names the requester.
 */
class DelegatedAuthenticationIT {

  private static KubeRayEnvironment env;
  private static String delegator;
  private static String caller;

  @BeforeAll
  static void start() {
    env = KubeRayEnvironment.builder().kuberayVersion("v1.7.0").rayMode(RayMode.OFF).startExactly();
    KubernetesClient admin = env.client();
    for (String sa : List.of("ray", "caller")) {
      admin
          .serviceAccounts()
          .inNamespace("default")
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build())
          .create();
    }
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("ray-writer")
                .endMetadata()
                .addNewRule()
                .withApiGroups("ray.io")
                .withResources("rayclusters")
                .withVerbs("ray:write")
                .endRule()
                .build())
        .create();
    bind("ray-auth-delegator", "system:auth-delegator", "ray");
    bind("ray-writer", "ray-writer", "ray");
    delegator = token("ray");
    caller = token("caller");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName("TokenReview: a service account's token is its account, with its uid and groups")
  void aServiceAccountTokenIsReviewed() {
    Map<String, Object> status = tokenReview(delegator, caller, 201);
    String uid =
        env.client()
            .serviceAccounts()
            .inNamespace("default")
            .withName("caller")
            .get()
            .getMetadata()
            .getUid();
    assertThat(status).containsEntry("authenticated", true);
    assertThat(Maps.map(status.get("user")))
        .containsEntry("username", "system:serviceaccount:default:caller")
        .containsEntry("uid", uid)
        .containsEntry(
            "groups",
            List.of(
                "system:serviceaccounts",
                "system:serviceaccounts:default",
                "system:authenticated"));
    assertThat(Maps.list(status.get("audiences")))
        .contains("https://kubernetes.default.svc.cluster.local");
  }

  @Test
  @DisplayName("TokenReview: the audiences asked for are answered (not enforced here)")
  void audiencesAskedForAreAnswered() {
    HttpResponse<String> response =
        post(
            delegator,
            "/apis/authentication.k8s.io/v1/tokenreviews",
            review(caller).replace("\"spec\":{", "\"spec\":{\"audiences\":[\"my-api\"],"));
    assertThat(response.code()).as(response.body()).isEqualTo(201);
    Map<String, Object> status = Maps.map(JsonText.readObject(response.body()).get("status"));
    assertThat(status)
        .containsEntry("authenticated", true)
        .containsEntry("audiences", List.of("my-api"));
  }

  @Test
  @DisplayName("TokenReview: an unknown token is not authenticated; an empty one is a 400")
  void unknownAndEmptyTokens() {
    Map<String, Object> status = tokenReview(delegator, "not-a-token", 201);
    assertThat(status).doesNotContainKey("authenticated").containsEntry("user", Map.of());
    HttpResponse<String> empty =
        post(delegator, "/apis/authentication.k8s.io/v1/tokenreviews", review(""));
    assertThat(empty.code()).isEqualTo(400);
    assertThat(empty.body()).contains("token is required for TokenReview in authentication");
  }

  @Test
  @DisplayName("TokenReview and SubjectAccessReview need RBAC: an unbound account gets 403")
  void reviewsNeedTheirOwnPermission() {
    HttpResponse<String> refused =
        post(caller, "/apis/authentication.k8s.io/v1/tokenreviews", review(delegator));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.body())
        .contains(
            "tokenreviews.authentication.k8s.io is forbidden: User \\\"system:serviceaccount:default:caller\\\""
                + " cannot create resource \\\"tokenreviews\\\" in API group \\\"authentication.k8s.io\\\" at the cluster scope");
    HttpResponse<String> sar =
        post(
            caller,
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            subjectAccessReview("system:serviceaccount:default:ray", "default"));
    assertThat(sar.code()).isEqualTo(403);
  }

  @Test
  @DisplayName("SubjectAccessReview: ray:write on a RayCluster for the bound account, not another")
  void subjectAccessReviewAsksRbacForTheNamedUser() {
    assertThat(allowed("system:serviceaccount:default:ray")).isEqualTo(true);
    assertThat(allowed("system:serviceaccount:default:caller")).isEqualTo(false);

    HttpResponse<String> nobody =
        post(
            delegator,
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
                + "\"spec\":{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}}");
    assertThat(nobody.code()).isEqualTo(422);
    assertThat(nobody.body())
        .contains(
            "spec.user: Invalid value: \\\"\\\": at least one of user or group must be specified");

    HttpResponse<String> local =
        KubeconfigHttp.send(
            env,
            "POST",
            "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
            subjectAccessReview("system:serviceaccount:default:ray", "kube-system")
                .replace("\"SubjectAccessReview\"", "\"LocalSubjectAccessReview\""));
    assertThat(local.code()).isEqualTo(422);
    assertThat(local.body())
        .contains(
            "spec.resourceAttributes.namespace: Invalid value: \\\"kube-system\\\": must match metadata.namespace");
  }

  @Test
  @DisplayName(
      "a deleted service account's token no longer authenticates: TokenReview and the front")
  void aDeletedAccountsTokenIsNotAuthenticated() {
    env.client()
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("gone").endMetadata().build())
        .create();
    String gone = token("gone");
    assertThat(tokenReview(delegator, gone, 201)).containsEntry("authenticated", true);
    env.client().serviceAccounts().inNamespace("default").withName("gone").delete();
    assertThat(tokenReview(delegator, gone, 201)).doesNotContainKey("authenticated");
    assertThat(KubeconfigHttp.sendAs(env, gone, "GET", "/api", null).code())
        .as("the front refuses it too, as kube-apiserver")
        .isEqualTo(401);
  }

  @Test
  @DisplayName("kubectl auth whoami: SelfSubjectReview names the requester")
  void whoAmI() {
    HttpResponse<String> me =
        post(
            caller,
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
    assertThat(me.code()).isEqualTo(201);
    assertThat(Maps.map(Maps.map(JsonText.readObject(me.body()).get("status")).get("userInfo")))
        .containsEntry("username", "system:serviceaccount:default:caller");
  }

  private static Object allowed(String user) {
    HttpResponse<String> response =
        post(
            delegator,
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            subjectAccessReview(user, "default"));
    assertThat(response.code()).as(response.body()).isEqualTo(201);
    return Maps.map(JsonText.readObject(response.body()).get("status")).get("allowed");
  }

  /** As Ray 2.55 sends it: the reviewed user and groups, ray:write on the cluster. */
  private static String subjectAccessReview(String user, String namespace) {
    String ns = user.split(":")[2];
    return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
        + "\"spec\":{\"user\":\""
        + user
        + "\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:"
        + ns
        + "\",\"system:authenticated\"],"
        + "\"resourceAttributes\":{\"group\":\"ray.io\",\"resource\":\"rayclusters\","
        + "\"name\":\"raycluster-kuberay\",\"verb\":\"ray:write\",\"namespace\":\""
        + namespace
        + "\"}}}";
  }

  private static Map<String, Object> tokenReview(String as, String token, int code) {
    HttpResponse<String> response =
        post(as, "/apis/authentication.k8s.io/v1/tokenreviews", review(token));
    assertThat(response.code()).as(response.body()).isEqualTo(code);
    return Maps.map(JsonText.readObject(response.body()).get("status"));
  }

  private static String review(String token) {
    return "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
        + "\"spec\":{\"token\":\""
        + token
        + "\"}}";
  }

  private static HttpResponse<String> post(String token, String path, String body) {
    return KubeconfigHttp.sendAs(env, token, "POST", path, body);
  }

  private static void bind(String name, String role, String serviceAccount) {
    env.client()
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(serviceAccount)
                .withNamespace("default")
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(role)
                .endRoleRef()
                .build())
        .create();
  }

  private static String token(String serviceAccount) {
    HttpResponse<String> minted =
        KubeconfigHttp.send(
            env,
            "POST",
            "/api/v1/namespaces/default/serviceaccounts/" + serviceAccount + "/token",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
    assertThat(minted.code()).as(minted.body()).isEqualTo(201);
    return String.valueOf(Maps.map(JsonText.readObject(minted.body()).get("status")).get("token"));
  }
}
