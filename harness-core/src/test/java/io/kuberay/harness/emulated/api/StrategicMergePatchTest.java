package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.PatchSchema;
import io.kuberay.harness.emulated.store.Patches;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strategic merge patches as kube-apiserver applies them to built-in kinds, with the patch
 * strategies and merge keys of Kubernetes' own OpenAPI definitions; the patches are the ones
 * kubectl patch and kubectl apply (1.33) send.
 */
class StrategicMergePatchTest {

  private static final String SMP = "application/strategic-merge-patch+json";
  private static final OpenApiSchemas SCHEMAS = new OpenApiSchemas(Map.of());

  private static final String DEPLOYMENT =
      """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web","tier":"db"},
       "finalizers":["a","b","c"]},
       "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
        "selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"securityContext":{"runAsUser":1000},
          "tolerations":[{"key":"gpu","operator":"Exists"},{"key":"spot","operator":"Exists"}],
          "containers":[
           {"name":"redis","image":"redis:6","command":["redis-server"],"ports":[{"containerPort":6379}],
            "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
            "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"conf","mountPath":"/etc/redis"}]},
           {"name":"sidecar","image":"busybox:1","args":["sleep","inf"]}]}}}}
      """;

  private static Map<String, Object> patchDeployment(String patch) {
    return patch("io.k8s.api.apps.v1.Deployment", DEPLOYMENT, patch);
  }

  private static Map<String, Object> patch(String definition, String target, String patch) {
    return Patches.apply(
        SMP,
        patch,
        JsonText.readObject(target),
        new PatchSchema(Map.of("$ref", "#/definitions/" + definition), SCHEMAS::resolve));
  }

  private static Map<String, Object> json(String text) {
    return JsonText.readObject(text);
  }

  private static Object containers(Map<String, Object> deployment) {
    return podSpec(deployment).get("containers");
  }

  private static List<String> names(Map<String, Object> deployment) {
    return ((List<?>) containers(deployment))
        .stream().map(c -> String.valueOf(((Map<?, ?>) c).get("name"))).toList();
  }

  private static Map<?, ?> podSpec(Map<String, Object> deployment) {
    return (Map<?, ?>)
        ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("template")).get("spec");
  }

  @Test
  void aContainerMergesByNameKeepingItsOtherFieldsAndTheOtherContainers() {
    Map<String, Object> patched =
        patchDeployment(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"redis\",\"image\":\"redis:7\"}]}}}}");
    assertThat(containers(patched))
        .isEqualTo(
            json("""
                {"c":[{"name":"redis","image":"redis:7","command":["redis-server"],"ports":[{"containerPort":6379}],
                  "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                  "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"conf","mountPath":"/etc/redis"}]},
                 {"name":"sidecar","image":"busybox:1","args":["sleep","inf"]}]}
                """)
                .get("c"));
  }

  @Test
  void envMergesByNameAndVolumeMountsByMountPath() {
    Map<String, Object> patched =
        patchDeployment(
            """
            {"spec":{"template":{"spec":{"containers":[{"name":"redis",
              "env":[{"name":"B","value":"two"},{"name":"C","value":"3"}],
              "volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}}}
            """);
    Map<?, ?> redis = (Map<?, ?>) ((List<?>) containers(patched)).get(0);
    assertThat(redis.get("env"))
        .isEqualTo(
            json("{\"e\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"two\"},{\"name\":\"C\",\"value\":\"3\"}]}")
                .get("e"));
    assertThat(redis.get("volumeMounts"))
        .isEqualTo(
            json("{\"v\":[{\"name\":\"data\",\"mountPath\":\"/data\",\"readOnly\":true},{\"name\":\"conf\",\"mountPath\":\"/etc/redis\"}]}")
                .get("v"));
    assertThat(redis.get("command")).isEqualTo(List.of("redis-server"));
  }

  @Test
  void withoutSetElementOrderANewElementGoesBeforeTheTargetsOthers() {
    Map<String, Object> patched =
        patchDeployment(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"new\",\"image\":\"nginx\"}]}}}}");
    assertThat(names(patched)).containsExactly("new", "redis", "sidecar");
  }

  @Test
  void setElementOrderAsKubectlApplySendsItKeepsAndSetsTheOrder() {
    // kubectl apply after changing the sidecar's image: the three-way patch of kubectl 1.33.
    Map<String, Object> changed =
        patchDeployment(
            """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"redis"},{"name":"sidecar"}],
              "containers":[{"image":"busybox:2","name":"sidecar"}]}}}}
            """);
    assertThat(names(changed)).containsExactly("redis", "sidecar");
    Map<?, ?> sidecar = (Map<?, ?>) ((List<?>) containers(changed)).get(1);
    assertThat(sidecar.get("image")).isEqualTo("busybox:2");
    assertThat(sidecar.get("args")).isEqualTo(List.of("sleep", "inf"));

    // A container added last in the file lands last; a reorder is followed.
    Map<String, Object> added =
        patchDeployment(
            """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"redis"},{"name":"sidecar"},{"name":"new"}],
              "containers":[{"image":"nginx","name":"new"}]}}}}
            """);
    assertThat(names(added)).containsExactly("redis", "sidecar", "new");
    Map<String, Object> reordered =
        patchDeployment(
            """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"redis"}]}}}}
            """);
    assertThat(names(reordered)).containsExactly("sidecar", "redis");
    assertThat(((Map<?, ?>) ((List<?>) containers(reordered)).get(1)).get("env")).isNotNull();
  }

  @Test
  void setElementOrderThatContradictsThePatchListFails() {
    assertThatThrownBy(
            () ->
                patchDeployment(
                    """
                    {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"redis"},{"name":"sidecar"}],
                      "containers":[{"name":"sidecar","image":"x"},{"name":"redis","image":"y"}]}}}}
                    """))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getMessage()).contains("doesn't match $setElementOrder list"));
  }

  @Test
  void tolerationsHaveNoMergeStrategyAndAreReplaced() {
    Map<String, Object> patched =
        patchDeployment(
            "{\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":\"tpu\",\"operator\":\"Exists\"}]}}}}");
    assertThat(podSpec(patched).get("tolerations"))
        .isEqualTo(json("{\"t\":[{\"key\":\"tpu\",\"operator\":\"Exists\"}]}").get("t"));
  }

  @Test
  void servicePortsMergeByPort() {
    String service =
        """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},
                                                  {"name":"https","port":443,"targetPort":8443}]}}
        """;
    Map<String, Object> patched =
        patch(
            "io.k8s.api.core.v1.Service",
            service,
            "{\"spec\":{\"ports\":[{\"port\":443,\"targetPort\":9443}]}}");
    assertThat(((Map<?, ?>) patched.get("spec")).get("ports"))
        .isEqualTo(
            json("{\"p\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080},{\"name\":\"https\",\"port\":443,\"targetPort\":9443}]}")
                .get("p"));
  }

  @Test
  void patchReplaceDirectiveInAListAndInAMap() {
    Map<String, Object> list =
        patchDeployment(
            """
            {"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}}
            """);
    assertThat(containers(list))
        .isEqualTo(json("{\"c\":[{\"name\":\"only\",\"image\":\"x\"}]}").get("c"));
    Map<String, Object> map =
        patchDeployment("{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"new\":\"yes\"}}}");
    assertThat(((Map<?, ?>) map.get("metadata")).get("labels")).isEqualTo(Map.of("new", "yes"));
  }

  @Test
  void patchDeleteDirectiveInAListElementAndInAMap() {
    Map<String, Object> list =
        patchDeployment(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"$patch\":\"delete\"}]}}}}");
    assertThat(names(list)).containsExactly("redis");
    Map<String, Object> map =
        patchDeployment(
            "{\"spec\":{\"template\":{\"spec\":{\"securityContext\":{\"$patch\":\"delete\"}}}}}");
    assertThat(podSpec(map).get("securityContext")).isEqualTo(Map.of());
  }

  @Test
  void primitiveListsWithMergeStrategyAreUnionedAndDeleteFromPrimitiveListRemoves() {
    Map<String, Object> union = patchDeployment("{\"metadata\":{\"finalizers\":[\"d\",\"a\"]}}");
    assertThat(((Map<?, ?>) union.get("metadata")).get("finalizers"))
        .isEqualTo(List.of("d", "a", "b", "c"));
    Map<String, Object> deleted =
        patchDeployment(
            """
            {"metadata":{"$setElementOrder/finalizers":["a","c"],"$deleteFromPrimitiveList/finalizers":["b"]}}
            """);
    assertThat(((Map<?, ?>) deleted.get("metadata")).get("finalizers"))
        .isEqualTo(List.of("a", "c"));
  }

  @Test
  void retainKeysClearsTheFieldsNotListed() {
    // kubectl apply after switching the strategy to Recreate and dropping rollingUpdate.
    Map<String, Object> patched =
        patchDeployment(
            "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\",\"rollingUpdate\":null}}}");
    assertThat(((Map<?, ?>) patched.get("spec")).get("strategy"))
        .isEqualTo(Map.of("type", "Recreate"));
    assertThatThrownBy(
            () ->
                patchDeployment(
                    "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":{\"maxSurge\":2}}}}"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.response().code()).isEqualTo(400);
              assertThat(e.getMessage()).contains("invalid patch format of retainKeys");
            });
  }

  @Test
  void nullDeletesAndMapsMergeRecursively() {
    Map<String, Object> patched =
        patchDeployment(
            "{\"metadata\":{\"labels\":{\"tier\":null,\"team\":\"x\"}},\"spec\":{\"replicas\":3}}");
    assertThat(((Map<?, ?>) patched.get("metadata")).get("labels"))
        .isEqualTo(Map.of("app", "web", "team", "x"));
    assertThat(((Map<?, ?>) patched.get("spec")).get("replicas")).isEqualTo(3);
    assertThat(((Map<?, ?>) patched.get("spec")).get("selector")).isNotNull();
  }

  @Test
  void theTargetIsNotChanged() {
    Map<String, Object> target = json(DEPLOYMENT);
    Patches.apply(
        SMP,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"redis\",\"image\":\"redis:7\"}]}}}}",
        target,
        new PatchSchema(
            Map.of("$ref", "#/definitions/io.k8s.api.apps.v1.Deployment"), SCHEMAS::resolve));
    assertThat(target).isEqualTo(json(DEPLOYMENT));
  }

  @Test
  void customResourcesRefuseStrategicMergePatchAs415() {
    assertThatThrownBy(
            () -> Patches.apply(SMP, "{\"spec\":{}}", json("{\"spec\":{\"a\":1}}"), null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.response().code()).isEqualTo(415);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the body of the request was in an unknown format - accepted media types include: "
                          + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
            });
  }

  @Test
  void overHttpABuiltInKindMergesAndACustomResourceAnswers415() {
    ApiDispatcher api = ApiDispatchers.withDefaultNamespaceAndCrd("rayclusters.ray.io");
    String deployments = "/apis/apps/v1/namespaces/default/deployments";
    assertThat(send(api, HttpMethod.POST, deployments, "application/json", DEPLOYMENT).code())
        .isEqualTo(201);
    MockResponse patched =
        send(
            api,
            HttpMethod.PATCH,
            deployments + "/web",
            SMP,
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"redis\",\"image\":\"redis:7\"}]}}}}");
    assertThat(patched.code()).isEqualTo(200);
    Map<String, Object> stored = JsonText.readObject(patched.getBody().readUtf8());
    assertThat(names(stored)).containsExactly("redis", "sidecar");
    Map<?, ?> redis = (Map<?, ?>) ((List<?>) containers(stored)).get(0);
    assertThat(redis.get("image")).isEqualTo("redis:7");
    assertThat(redis.get("command")).isEqualTo(List.of("redis-server"));

    String clusters = "/apis/ray.io/v1/namespaces/default/rayclusters";
    assertThat(
            send(
                    api,
                    HttpMethod.POST,
                    clusters,
                    "application/json",
                    "{\"apiVersion\":\"ray.io/v1\",\"kind\":\"RayCluster\",\"metadata\":{\"name\":\"rc\"},"
                        + "\"spec\":{\"headGroupSpec\":{\"rayStartParams\":{},\"template\":{\"spec\":{\"containers\":"
                        + "[{\"name\":\"ray-head\",\"image\":\"rayproject/ray:2.52.0\"}]}}}}}")
                .code())
        .isEqualTo(201);
    MockResponse refused =
        send(api, HttpMethod.PATCH, clusters + "/rc", SMP, "{\"spec\":{\"suspend\":true}}");
    assertThat(refused.code()).isEqualTo(415);
    assertThat(JsonText.readObject(refused.getBody().readUtf8()))
        .containsEntry("reason", "UnsupportedMediaType")
        .containsEntry(
            "message",
            "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  }

  private static MockResponse send(
      ApiDispatcher api, HttpMethod method, String path, String contentType, String body) {
    return ApiDispatchers.send(api, method, path, contentType, body);
  }
}
