package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.emulated.store.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPlainTextTest {

  @Test
  void writesWhatTheStoreWrites() {
    // The RayService cluster hash is computed over this text: it must not change with the helper
    // the operator uses.
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", "small-group");
    group.put("replicas", 1);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("rayVersion", "2.52.0");
    spec.put("empty", null);
    spec.put("groups", List.of(group));
    assertThat(Json.write(spec))
        .isEqualTo(JsonText.write(spec))
        .isEqualTo(
            "{\"rayVersion\":\"2.52.0\",\"empty\":null,\"groups\":[{\"name\":\"small-group\",\"replicas\":1}]}");
  }

  @Test
  void readsObjectsOnly() {
    assertThat(Json.readObject("{\"applications\":{}}")).containsOnlyKeys("applications");
    assertThatThrownBy(() -> Json.readObject("[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> Json.readObject("{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }
}
