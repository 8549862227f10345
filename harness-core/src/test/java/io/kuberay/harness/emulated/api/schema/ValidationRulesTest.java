package io.kuberay.harness.emulated.api.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.store.JsonText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationRulesTest {

  private static final Map<String, Object> SCHEMA =
      JsonText.readObject(
          """
          {"type":"object","properties":{"spec":{"type":"object","properties":{
            "managedBy":{"type":"string","x-kubernetes-validations":[
              {"rule":"self == oldSelf","message":"the managedBy field is immutable"},
              {"rule":"self in ['a', 'b']","message":"must be a or b"}]},
            "strategy":{"type":"object","x-kubernetes-validations":[
              {"rule":"has(self.x) || has(self.y)"}]},
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer",
                "x-kubernetes-validations":[{"rule":"self == oldSelf","reason":"FieldValueForbidden",
                  "message":"port is immutable"}]}}}},
            "later":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('x')"}]}
          }}}}
          """);

  private static Map<String, Object> object(String spec) {
    return JsonText.readObject("{\"spec\":" + spec + "}");
  }

  @Test
  void aFailedRuleIsInvalidWithItsMessageAtItsPlace() {
    ValidationRules.Result r =
        ValidationRules.check(SCHEMA, object("{\"managedBy\":\"c\",\"strategy\":{}}"), null);
    assertThat(r.causes())
        .containsExactly(
            "spec.managedBy: Invalid value: \"c\": must be a or b",
            "spec.strategy: Invalid value: failed rule: has(self.x) || has(self.y)");
  }

  @Test
  void transitionRulesAreCheckedOnUpdatesWhereTheOldObjectHasTheValue() {
    Map<String, Object> old =
        object("{\"managedBy\":\"a\",\"ports\":[{\"name\":\"p\",\"port\":1}]}");
    assertThat(ValidationRules.check(SCHEMA, object("{\"managedBy\":\"b\"}"), null).causes())
        .as("create")
        .isEmpty();
    assertThat(
            ValidationRules.check(
                    SCHEMA,
                    object("{\"managedBy\":\"b\",\"ports\":[{\"name\":\"p\",\"port\":2}]}"),
                    old)
                .causes())
        .containsExactly(
            "spec.managedBy: Invalid value: \"b\": the managedBy field is immutable",
            "spec.ports[0].port: Forbidden: port is immutable");
    assertThat(
            ValidationRules.check(SCHEMA, object("{\"ports\":[{\"name\":\"q\",\"port\":2}]}"), old)
                .causes())
        .as("a new map-list item has no old value")
        .isEmpty();
  }

  @Test
  void anUnchangedValueIsNotHeldToARuleWithoutOldSelf() {
    // Ratcheting: stored under an older CRD, left as it was by the update.
    Map<String, Object> old = object("{\"managedBy\":\"c\",\"strategy\":{}}");
    assertThat(
            ValidationRules.check(SCHEMA, object("{\"managedBy\":\"c\",\"strategy\":{}}"), old)
                .causes())
        .isEmpty();
    assertThat(
            ValidationRules.check(SCHEMA, object("{\"managedBy\":\"d\",\"strategy\":{}}"), old)
                .causes())
        .as("a changed value is judged, and the immutability rule too")
        .containsExactly(
            "spec.managedBy: Invalid value: \"d\": the managedBy field is immutable",
            "spec.managedBy: Invalid value: \"d\": must be a or b");
  }

  @Test
  void aRuleOutsideTheSubsetIsReportedAsNotChecked() {
    ValidationRules.Result r = ValidationRules.check(SCHEMA, object("{\"later\":\"y\"}"), null);
    assertThat(r.causes()).isEmpty();
    assertThat(r.notChecked())
        .singleElement()
        .asString()
        .contains("self.startsWith('x')", "spec.later", "k3s");
  }

  @Test
  void schemaErrorsThatBlockRulesAreTheApiServersList() {
    assertThat(
            ValidationRules.blocked(
                List.of("spec.a: Unsupported value: \"x\": supported values: \"y\"")))
        .contains(
            "<nil>: Invalid value: null: some validation rules were not checked because the object"
                + " was invalid; correct the existing errors to complete validation");
    assertThat(
            ValidationRules.blocked(
                List.of(
                    "spec.a: Invalid value: 5: spec.a in body should be less than or equal to 3")))
        .isEmpty();
  }
}
