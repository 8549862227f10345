package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KubeRay's CRD validation rules ({@code x-kubernetes-validations}) on creates, updates and
 * patches, the schema on patches and {@code /status} writes, and the ratcheting of both, with the
 * API server's wording and the details kubectl prints.
 */
class CrdValidationRulesTest {

  private static final String RAY_JOBS = "/apis/ray.io/v1/namespaces/default/rayjobs";
  private static final String WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";

  private static final ResourceRef RAY_JOB = new ResourceRef("ray.io", "v1", "rayjobs");

  private final ObjectStore store = new ObjectStore();
  private final ApiDispatcher api =
      ApiDispatchers.withDefaultNamespaceAndCrd(store, "rayjobs.ray.io");

  private MockResponse send(HttpMethod method, String path, String contentType, String body) {
    return ApiDispatchers.send(api, method, path, contentType, body);
  }

  private MockResponse mergePatch(String path, String patch) {
    return send(HttpMethod.PATCH, path, "application/merge-patch+json", patch);
  }

  private void createJob() {
    send(HttpMethod.POST, RAY_JOBS, "application/json", job("j", "{\"entrypoint\":\"true\"}"));
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
    createJob();
    MockResponse r =
        mergePatch(
            RAY_JOBS + "/j/status", "{\"status\":{\"jobDeploymentStatus\":\"Initializing\"}}");
    assertThat(r.code()).isEqualTo(200);
    assertThat(Maps.map(body(r).get("status")))
        .containsEntry("jobDeploymentStatus", "Initializing")
        .containsEntry("succeeded", 0)
        .containsEntry("failed", 0);
  }

  /** Stores {@code path} = {@code value} as is, as an object written under an older CRD. */
  private void storeAsIs(String name, String top, String field, Object value) {
    store.update(
        RAY_JOB,
        "default",
        name,
        o -> {
          Map<String, Object> part = Maps.map(o.get(top));
          part.put(field, value);
          o.put(top, part);
          return o;
        });
  }

  private static List<String> warnings(MockResponse r) {
    return r.getHeaders().toMultimap().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase("Warning"))
        .flatMap(e -> e.getValue().stream())
        .toList();
  }

  @Test
  void aLabelPatchIsNotRefusedForAStatusItLeavesAlone() {
    createJob();
    storeAsIs("j", "status", "failed", "many");
    MockResponse r = mergePatch(RAY_JOBS + "/j", "{\"metadata\":{\"labels\":{\"team\":\"a\"}}}");
    assertThat(r.code()).as(r.getBody().readUtf8()).isEqualTo(200);
  }

  @Test
  void anUnchangedInvalidSpecValueRatchetsWhileAChangedOneIsRefused() {
    createJob();
    storeAsIs("j", "spec", "backoffLimit", "two");
    MockResponse label =
        mergePatch(
            RAY_JOBS + "/j",
            "{\"metadata\":{\"labels\":{\"team\":\"a\"}},\"spec\":{\"entrypoint\":\"echo\"}}");
    assertThat(label.code()).as(label.getBody().readUtf8()).isEqualTo(200);
    MockResponse changed = mergePatch(RAY_JOBS + "/j", "{\"spec\":{\"backoffLimit\":\"three\"}}");
    assertThat(changed.code()).isEqualTo(422);
    assertThat(String.valueOf(body(changed).get("message")))
        .isEqualTo(
            "RayJob.ray.io \"j\" is invalid: [spec.backoffLimit: Invalid value: \"string\":"
                + " spec.backoffLimit in body must be of type integer: \"string\", <nil>: Invalid"
                + " value: null: some validation rules were not checked because the object was"
                + " invalid; correct the existing errors to complete validation]");
  }

  @Test
  void aStatusWriteDropsAFieldTheCrdVersionDoesNotDeclare() {
    Map<String, Object> created =
        body(
            send(
                HttpMethod.POST,
                RAY_JOBS,
                "application/json",
                job("j", "{\"entrypoint\":\"true\"}")));
    // v1.7.0's field, written against v1.5.0's CRD.
    created.put(
        "status",
        Map.of(
            "jobDeploymentStatus",
            "Running",
            "jobStatusCheckFailureStartTime",
            "2026-01-01T00:00:00Z"));
    MockResponse put =
        send(HttpMethod.PUT, RAY_JOBS + "/j/status", "application/json", JsonText.write(created));
    assertThat(put.code()).as(put.getBody().readUtf8()).isEqualTo(200);
    assertThat(warnings(put))
        .containsExactly("299 - \"unknown field \\\"status.jobStatusCheckFailureStartTime\\\"\"");
    MockResponse patch =
        mergePatch(
            RAY_JOBS + "/j/status",
            "{\"status\":{\"jobStatusCheckFailureStartTime\":\"2026-01-01T00:00:00Z\"}}");
    assertThat(patch.code()).isEqualTo(200);
    Map<String, Object> stored =
        Maps.map(body(send(HttpMethod.GET, RAY_JOBS + "/j", "application/json", "")).get("status"));
    assertThat(stored)
        .containsEntry("jobDeploymentStatus", "Running")
        .containsEntry("succeeded", 0)
        .doesNotContainKey("jobStatusCheckFailureStartTime");
  }

  @Test
  void aStatusWriteWithATypeOrEnumErrorIsRefusedAsKubeApiserverWordsIt() {
    createJob();
    MockResponse r =
        mergePatch(
            RAY_JOBS + "/j/status",
            "{\"status\":{\"failed\":\"many\",\"rayClusterStatus\":{\"conditions\":[{"
                + "\"type\":\"Ready\",\"status\":\"Maybe\",\"reason\":\"R\",\"message\":\"\","
                + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}}");
    assertThat(r.code()).isEqualTo(422);
    Map<String, Object> status = body(r);
    // The status validator is rooted at the status: its "in body" names leave "status." out.
    String type = "Invalid value: \"string\": failed in body must be of type integer: \"string\"";
    String enumeration =
        "Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"";
    assertThat(String.valueOf(status.get("message")))
        .startsWith("RayJob.ray.io \"j\" is invalid: [")
        .contains(
            "status.failed: " + type,
            "status.rayClusterStatus.conditions[0].status: " + enumeration)
        .endsWith(
            "some validation rules were not checked because the object was invalid;"
                + " correct the existing errors to complete validation]");
    assertThat(Maps.list(Maps.map(status.get("details")).get("causes")))
        .contains(
            Map.of("reason", "FieldValueTypeInvalid", "message", type, "field", "status.failed"));
    assertThat(Maps.map(body(send(HttpMethod.GET, RAY_JOBS + "/j", "application/json", ""))))
        .as("nothing of the refused write is stored")
        .doesNotContainKey("status");
  }

  @Test
  void anUnchangedInvalidStatusValueRatchetsWhileAChangedOneIsRefused() {
    createJob();
    storeAsIs("j", "status", "failed", "many");
    MockResponse other =
        mergePatch(RAY_JOBS + "/j/status", "{\"status\":{\"jobDeploymentStatus\":\"Running\"}}");
    assertThat(other.code()).as(other.getBody().readUtf8()).isEqualTo(200);
    MockResponse changed = mergePatch(RAY_JOBS + "/j/status", "{\"status\":{\"failed\":\"more\"}}");
    assertThat(changed.code()).isEqualTo(422);
    assertThat(String.valueOf(body(changed).get("message")))
        .startsWith(
            "RayJob.ray.io \"j\" is invalid: [status.failed: Invalid value: \"string\": failed in"
                + " body must be of type integer: \"string\", <nil>: ");
  }

  /** Installs a CRD for example.com/v1 Widget whose schema has the given top-level properties. */
  private void widgetCrd(boolean statusSubresource, String properties) {
    String crd =
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
          "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,%s
           "schema":{"openAPIV3Schema":{"type":"object","properties":%s}}}]}}
        """
            .formatted(statusSubresource ? "\"subresources\":{\"status\":{}}," : "", properties);
    send(
        HttpMethod.POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json",
        crd);
  }

  private MockResponse createWidget(String spec) {
    return send(
        HttpMethod.POST,
        WIDGETS,
        "application/json",
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
            + "\"spec\":"
            + spec
            + "}");
  }

  @Test
  void aStatusWriteChangesTheStatusOnlyAndIsHeldToTheRulesOnTheStatus() {
    widgetCrd(
        true,
        """
        {"spec":{"type":"object","properties":{"size":{"type":"integer"}}},
         "status":{"type":"object","properties":{
          "phase":{"type":"string","x-kubernetes-validations":[
            {"rule":"self != 'Broken'","message":"a widget is never Broken"}]},
          "count":{"type":"integer","x-kubernetes-validations":[
            {"rule":"self >= oldSelf","message":"count only grows"}]}}}}
        """);
    createWidget("{\"size\":1}");
    MockResponse ok =
        mergePatch(
            WIDGETS + "/w/status",
            "{\"spec\":{\"size\":2},\"status\":{\"phase\":\"Ready\",\"count\":3}}");
    Map<String, Object> stored = body(ok);
    assertThat(ok.code()).as(stored.toString()).isEqualTo(200);
    assertThat(Maps.map(stored.get("spec")))
        .as("a /status write ignores the spec")
        .containsEntry("size", 1);
    MockResponse broken =
        mergePatch(WIDGETS + "/w/status", "{\"status\":{\"phase\":\"Broken\",\"count\":2}}");
    assertThat(broken.code()).isEqualTo(422);
    assertThat(String.valueOf(body(broken).get("message")))
        .isEqualTo(
            "Widget.example.com \"w\" is invalid: [status.phase: Invalid value: \"Broken\": a"
                + " widget is never Broken, status.count: Invalid value: 2: count only grows]");
  }

  @Test
  void aRuleTheEmulatorCannotReadIsAWarningNotASilentPass() {
    widgetCrd(
        false,
        """
        {"spec":{"type":"object","properties":{
          "name":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('w')"}]}}}}
        """);
    MockResponse r = createWidget("{\"name\":\"v\"}");
    assertThat(r.code()).isEqualTo(201);
    assertThat(warnings(r))
        .singleElement()
        .asString()
        .contains("self.startsWith('w')", "spec.name", "did not check");
  }
}
