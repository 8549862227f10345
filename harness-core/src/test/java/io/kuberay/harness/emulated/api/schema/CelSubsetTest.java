package io.kuberay.harness.emulated.api.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelSubsetTest {

  private static Object eval(String rule, Object self, Object oldSelf) throws Exception {
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", self);
    vars.put("oldSelf", oldSelf);
    return CelSubset.parse(rule).eval(vars);
  }

  @Test
  void everyRuleOfKubeRaysCrdsReadsAndDecides() throws Exception {
    String exclusive = "!((has(self.onSuccess) || has(self.onFailure)) && has(self.deletionRules))";
    String either = "((has(self.onSuccess) && has(self.onFailure)) || has(self.deletionRules))";
    Map<String, Object> legacy = Map.of("onSuccess", Map.of(), "onFailure", Map.of());
    Map<String, Object> both = Map.of("onSuccess", Map.of(), "deletionRules", List.of());
    assertThat(eval(exclusive, legacy, null)).isEqualTo(true);
    assertThat(eval(exclusive, both, null)).isEqualTo(false);
    assertThat(eval(either, legacy, null)).isEqualTo(true);
    assertThat(eval(either, Map.of("onSuccess", Map.of()), null)).isEqualTo(false);
    String managedBy = "self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']";
    assertThat(eval(managedBy, "kueue.x-k8s.io/multikueue", null)).isEqualTo(true);
    assertThat(eval(managedBy, "someone-else", null)).isEqualTo(false);
    assertThat(eval("self == oldSelf", "a", "a")).isEqualTo(true);
    assertThat(eval("self == oldSelf", "a", "b")).isEqualTo(false);
  }

  @Test
  void equalityComparesNumbersByValueAndCollectionsByContent() throws Exception {
    assertThat(eval("self == oldSelf", 1L, 1.0)).isEqualTo(true);
    assertThat(eval("self == oldSelf", Map.of("a", List.of(1)), Map.of("a", List.of(1L))))
        .isEqualTo(true);
  }

  @Test
  void notBindsToItsOperandAndInReadsMapKeys() throws Exception {
    assertThat(eval("!self.a in [false]", Map.of("a", true), null))
        .as("(!a) in [false], not !(a in [false])")
        .isEqualTo(true);
    assertThat(eval("'x' in self", Map.of("x", 1), null)).isEqualTo(true);
    assertThat(eval("!has(self.x)", Map.of(), null)).isEqualTo(true);
  }

  @Test
  void comparisonsAndSize() throws Exception {
    assertThat(eval("size(self.items) >= 2", Map.of("items", List.of(1, 2)), null)).isEqualTo(true);
    assertThat(eval("self.replicas < 3", Map.of("replicas", 5), null)).isEqualTo(false);
    assertThat(eval("self.name != 'x'", Map.of("name", "y"), null)).isEqualTo(true);
  }

  @Test
  void aMissingFieldIsCelsNoSuchKeyUnlessTheOtherSideDecides() throws Exception {
    assertThatThrownBy(() -> eval("self.a == 'x'", Map.of(), null))
        .isInstanceOf(CelSubset.EvalError.class)
        .hasMessage("no such key: a");
    assertThat(eval("self.a == 'x' || true", Map.of(), null)).isEqualTo(true);
    assertThat(eval("false && self.a == 'x'", Map.of(), null)).isEqualTo(false);
  }

  @Test
  void whatTheSubsetCannotReadIsRefusedNotGuessed() {
    for (String rule :
        List.of(
            "self.all(x, x > 0)",
            "self.startsWith('a')",
            "self.a + 1 == 2",
            "self.matches('^a')",
            "has(self)",
            "self.a ? 1 : 2",
            "self.size() == 2")) {
      assertThatThrownBy(() -> CelSubset.parse(rule))
          .as(rule)
          .isInstanceOf(CelSubset.Unsupported.class);
    }
  }

  @Test
  void transitionRulesAreThoseThatReadOldSelf() {
    assertThat(CelSubset.isTransitionRule("self == oldSelf")).isTrue();
    assertThat(CelSubset.isTransitionRule("has(self.oldSelfish)")).isFalse();
  }
}
