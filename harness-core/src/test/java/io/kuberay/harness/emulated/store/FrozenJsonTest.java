package io.kuberay.harness.emulated.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrozenJsonTest {

  @Test
  @DisplayName(
      "a frozen map reads like its source, serializes to the same JSON inside other maps, and cannot change")
  void frozen() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("group", "ray.io");
    source.put("versions", List.of(Map.of("name", "v1", "served", true)));
    FrozenJson frozen = FrozenJson.of(source);

    assertThat(frozen).isEqualTo(source);
    Map<String, Object> crd = new LinkedHashMap<>();
    crd.put("kind", "CustomResourceDefinition");
    crd.put("spec", frozen);
    assertThat(JsonText.readObject(JsonText.write(crd)))
        .isEqualTo(Map.of("kind", "CustomResourceDefinition", "spec", source));
    assertThatThrownBy(() -> frozen.put("scope", "Namespaced"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
