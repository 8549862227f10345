package io.kuberay.harness.emulated.api.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenAPI schema errors ratchet on updates (CRDValidationRatcheting, GA in Kubernetes 1.33): an
 * error on a value the update left as it was is dropped; values correlate by field, map key and
 * {@code x-kubernetes-list-type: map} item.
 */
class SchemaRatchetingTest {

  private static final Map<String, Object> SCHEMA =
      JsonText.readObject(
          """
          {"type":"object","properties":{"spec":{"type":"object","properties":{
            "mode":{"type":"string","enum":["A","B"]},
            "replicas":{"type":"integer","minimum":0},
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["port"],"properties":{
                "name":{"type":"string"},"port":{"type":"integer"}}}},
            "args":{"type":"array","items":{"type":"integer"}}}},
           "status":{"type":"object","properties":{
            "phase":{"type":"string","enum":["Running","Done"]},
            "count":{"type":"integer"}}}}}
          """);

  private static Map<String, Object> object(String json) {
    return JsonText.readObject(json);
  }

  private static List<String> update(String old, String next) {
    return SchemaValidator.apply(SCHEMA, object(next), object(old));
  }

  @Test
  void anUnchangedInvalidValueIsNotReportedWhileAChangedOneIs() {
    String old = "{\"spec\":{\"mode\":\"Legacy\",\"replicas\":-1}}";
    assertThat(update(old, "{\"spec\":{\"mode\":\"Legacy\",\"replicas\":-1}}")).isEmpty();
    assertThat(update(old, "{\"spec\":{\"mode\":\"Legacy\",\"replicas\":-2}}"))
        .containsExactly(
            "spec.replicas: Invalid value: -2: spec.replicas in body should be greater than or"
                + " equal to 0");
    assertThat(update(old, "{\"spec\":{\"mode\":\"Other\",\"replicas\":-1}}"))
        .containsExactly("spec.mode: Unsupported value: \"Other\": supported values: \"A\", \"B\"");
    assertThat(SchemaValidator.apply(SCHEMA, object(old), null))
        .as("a create has nothing to ratchet against")
        .hasSize(2);
  }

  @Test
  void mapListItemsCorrelateByKeyAndOtherListsOnlyAsAWhole() {
    String old = "{\"spec\":{\"ports\":[{\"name\":\"a\"}],\"args\":[1,\"x\"]}}";
    assertThat(update(old, "{\"spec\":{\"ports\":[{\"name\":\"b\",\"port\":1},{\"name\":\"a\"}]}}"))
        .as("item a moved but is unchanged")
        .isEmpty();
    assertThat(update(old, "{\"spec\":{\"ports\":[{\"name\":\"b\"}]}}"))
        .as("a new item has no old value")
        .containsExactly("spec.ports[0].port: Required value");
    assertThat(update(old, "{\"spec\":{\"args\":[1,\"x\"]}}")).isEmpty();
    assertThat(update(old, "{\"spec\":{\"args\":[2,\"x\"]}}"))
        .as("an atomic list that changed is judged whole")
        .containsExactly(
            "spec.args[1]: Invalid value: \"string\": spec.args[1] in body must be of type"
                + " integer: \"string\"");
  }

  @Test
  void aStatusWriteIsJudgedByAValidatorRootedAtTheStatus() {
    Map<String, Object> old = object("{\"spec\":{\"replicas\":-1},\"status\":{\"count\":\"x\"}}");
    Map<String, Object> next =
        object(
            "{\"spec\":{\"replicas\":-1},\"status\":{\"count\":\"x\",\"phase\":\"Gone\","
                + "\"extra\":1}}");
    assertThat(SchemaValidator.applyStatus(SCHEMA, next, old))
        .as("the spec is not judged and the unchanged count ratchets")
        .containsExactly(
            "status.phase: Unsupported value: \"Gone\": supported values: \"Running\", \"Done\"");
    assertThat(Maps.map(next.get("status"))).doesNotContainKey("extra");
    Map<String, Object> changed = object("{\"status\":{\"count\":\"y\"}}");
    assertThat(SchemaValidator.applyStatus(SCHEMA, changed, old))
        .containsExactly(
            "status.count: Invalid value: \"string\": count in body must be of type integer:"
                + " \"string\"");
  }
}
