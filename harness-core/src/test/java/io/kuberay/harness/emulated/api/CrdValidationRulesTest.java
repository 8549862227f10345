package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KubeRay's CRD validation rules ({@code x-kubernetes-validations}) on creates, updates and
 * patches, and the schema on patches, with the API server's wording and the details kubectl prints.
 */
class CrdValidationRulesTest {

  private static final String RAY_JOBS = "/apis/ray.io/v1/namespaces/default/rayjobs";

  private final ApiDispatcher api = ApiDispatchers.withDefaultNamespaceAndCrd("rayjobs.ray.io");

  private MockResponse send(HttpMethod method, String path, String contentType, String body) {
    return ApiDispatchers.send(api, method, path, contentType, body);
  }

  private static String job(String name, String spec) {
    return "{\"apiVersion\":\"ray.io/v1\",\"kind\":\"RayJob\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":"
        + spec
        + "}";
  }

  private static Map<String, Object> body(MockResponse r) {
    return JsonText.readObject(r.getBody().readUtf8());
  }

  @Test
  void aCreateThatBreaksARuleIsRefusedWithTheRulesMessageAndKubectlsDetails() {
    MockResponse r =
        send(
            HttpMethod.POST,
            RAY_JOBS,
            "application/json",
            job("j", "{\"entrypoint\":\"true\",\"managedBy\":\"someone\"}"));
    assertThat(r.code()).isEqualTo(422);
    Map<String, Object> status = body(r);
    String cause =
        "Invalid value: \"someone\": the managedBy field value must be either"
            + " 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'";
    assertThat(status)
        .containsEntry("reason", "Invalid")
        .containsEntry("message", "RayJob.ray.io \"j\" is invalid: spec.managedBy: " + cause);
    Map<String, Object> details = Maps.map(status.get("details"));
    assertThat(details).containsEntry("name", "j").containsEntry("kind", "RayJob");
    assertThat(Maps.list(details.get("causes")))
        .containsExactly(
            Map.of("reason", "FieldValueInvalid", "message", cause, "field", "spec.managedBy"));
  }

  @Test
  void deletionStrategyNeedsBothLegacyPoliciesOrRules() {
    MockResponse r =
        send(
            HttpMethod.POST,
            RAY_JOBS,
            "application/json",
            job(
                "j",
                "{\"entrypoint\":\"true\",\"deletionStrategy\":{\"onSuccess\":{\"policy\":\"DeleteCluster\"}}}"));
    assertThat(r.code()).isEqualTo(422);
    assertThat(String.valueOf(body(r).get("message")))
        .isEqualTo(
            "RayJob.ray.io \"j\" is invalid: spec.deletionStrategy: Invalid value:"
                + " deletionStrategy requires either BOTH onSuccess and onFailure, OR the"
                + " deletionRules field (cannot be empty)");
  }

  @Test
  void managedByCannotChangeOnAnUpdateOrAPatch() {
    String created =
        send(
                HttpMethod.POST,
                RAY_JOBS,
                "application/json",
                job("j", "{\"entrypoint\":\"true\",\"managedBy\":\"ray.io/kuberay-operator\"}"))
            .getBody()
            .readUtf8();
    Map<String, Object> update = JsonText.readObject(created);
    Maps.map(update.get("spec")).put("managedBy", "kueue.x-k8s.io/multikueue");
    MockResponse put =
        send(HttpMethod.PUT, RAY_JOBS + "/j", "application/json", JsonText.write(update));
    MockResponse patch =
        send(
            HttpMethod.PATCH,
            RAY_JOBS + "/j",
            "application/merge-patch+json",
            "{\"spec\":{\"managedBy\":\"kueue.x-k8s.io/multikueue\"}}");
    for (MockResponse r : List.of(put, patch)) {
      assertThat(r.code()).isEqualTo(422);
      assertThat(String.valueOf(body(r).get("message")))
          .isEqualTo(
              "RayJob.ray.io \"j\" is invalid: spec.managedBy: Invalid value:"
                  + " \"kueue.x-k8s.io/multikueue\": the managedBy field is immutable");
    }
    MockResponse other =
        send(
            HttpMethod.PATCH,
            RAY_JOBS + "/j",
            "application/merge-patch+json",
            "{\"spec\":{\"entrypoint\":\"echo hi\"}}");
    assertThat(other.code()).as("a patch that leaves managedBy alone").isEqualTo(200);
  }

  @Test
  void aPatchIsHeldToTheSchemaAsACreateIs() {
    send(HttpMethod.POST, RAY_JOBS, "application/json", job("j", "{\"entrypoint\":\"true\"}"));
    MockResponse r =
        send(
            HttpMethod.PATCH,
            RAY_JOBS + "/j",
            "application/merge-patch+json",
            "{\"spec\":{\"deletionStrategy\":{\"onSuccess\":{\"policy\":\"Sometimes\"},"
                + "\"onFailure\":{\"policy\":\"DeleteNone\"}},\"backoffLimit\":\"two\"}}");
    assertThat(r.code()).isEqualTo(422);
    assertThat(String.valueOf(body(r).get("message")))
        .startsWith("RayJob.ray.io \"j\" is invalid: [")
        .contains(
            "spec.deletionStrategy.onSuccess.policy: Unsupported value: \"Sometimes\": supported"
                + " values: \"DeleteCluster\", \"DeleteWorkers\", \"DeleteSelf\", \"DeleteNone\"",
            "spec.backoffLimit: Invalid value: \"string\": spec.backoffLimit in body must be of"
                + " type integer: \"string\"")
        .endsWith(
            "<nil>: Invalid value: null: some validation rules were not checked because the"
                + " object was invalid; correct the existing errors to complete validation]");
    assertThat(
            Maps.map(
                body(send(HttpMethod.GET, RAY_JOBS + "/j", "application/json", "")).get("spec")))
        .as("nothing of the refused patch is stored")
        .doesNotContainKey("deletionStrategy");
  }

  @Test
  void aStatusPatchGetsTheStatusDefaultsAsAStatusPutDoes() {
    send(HttpMethod.POST, RAY_JOBS, "application/json", job("j", "{\"entrypoint\":\"true\"}"));
    MockResponse r =
        send(
            HttpMethod.PATCH,
            RAY_JOBS + "/j/status",
            "application/merge-patch+json",
            "{\"status\":{\"jobDeploymentStatus\":\"Initializing\"}}");
    assertThat(r.code()).isEqualTo(200);
    assertThat(Maps.map(body(r).get("status")))
        .containsEntry("jobDeploymentStatus", "Initializing")
        .containsEntry("succeeded", 0)
        .containsEntry("failed", 0);
  }

  @Test
  void aLabelPatchIsNotRefusedForAStatusItLeavesAlone() {
    send(HttpMethod.POST, RAY_JOBS, "application/json", job("j", "{\"entrypoint\":\"true\"}"));
    // A status the CRD would refuse (written through /status, which is only defaulted here).
    send(
        HttpMethod.PATCH,
        RAY_JOBS + "/j/status",
        "application/merge-patch+json",
        "{\"status\":{\"failed\":\"many\"}}");
    MockResponse r =
        send(
            HttpMethod.PATCH,
            RAY_JOBS + "/j",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"team\":\"a\"}}}");
    assertThat(r.code()).as(r.getBody().readUtf8()).isEqualTo(200);
  }

  @Test
  void aRuleTheEmulatorCannotReadIsAWarningNotASilentPass() {
    String crd =
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
          "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "name":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('w')"}]}}}}}}}]}}
        """;
    send(
        HttpMethod.POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json",
        crd);
    MockResponse r =
        send(
            HttpMethod.POST,
            "/apis/example.com/v1/namespaces/default/widgets",
            "application/json",
            "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
                + "\"spec\":{\"name\":\"v\"}}");
    assertThat(r.code()).isEqualTo(201);
    assertThat(
            r.getHeaders().toMultimap().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Warning"))
                .flatMap(e -> e.getValue().stream())
                .toList())
        .singleElement()
        .asString()
        .contains("self.startsWith('w')", "spec.name", "did not check");
  }
}
