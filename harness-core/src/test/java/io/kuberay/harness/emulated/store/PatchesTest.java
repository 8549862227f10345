package io.kuberay.harness.emulated.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON patches as kube-apiserver applies them (evanphx/json-patch v4), where that differs from RFC
 * 6902.
 */
class PatchesTest {

  private static final String JSON_PATCH = "application/json-patch+json";

  @Test
  void replaceOfAMemberTheObjectLacksSetsItAsTheAutoscalersPatchNeeds() {
    Map<String, Object> cluster =
        Map.of(
            "spec",
            Map.of("workerGroupSpecs", List.of(Map.of("groupName", "small", "replicas", 2))));
    Map<String, Object> patched =
        Patches.apply(
            JSON_PATCH,
            "[{\"op\":\"replace\",\"path\":\"/spec/workerGroupSpecs/0/replicas\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"/spec/workerGroupSpecs/0/scaleStrategy\",\"value\":{\"workersToDelete\":[\"w-1\"]}}]",
            cluster);
    assertThat(patched)
        .isEqualTo(
            Map.of(
                "spec",
                Map.of(
                    "workerGroupSpecs",
                    List.of(
                        Map.of(
                            "groupName",
                            "small",
                            "replicas",
                            1,
                            "scaleStrategy",
                            Map.of("workersToDelete", List.of("w-1")))))));
  }

  @Test
  void replaceOfAMissingArrayElementStillFails() {
    Map<String, Object> cluster = Map.of("spec", Map.of("workerGroupSpecs", List.of()));
    assertThatThrownBy(
            () ->
                Patches.apply(
                    JSON_PATCH,
                    "[{\"op\":\"replace\",\"path\":\"/spec/workerGroupSpecs/3\",\"value\":{}}]",
                    cluster))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getMessage()).contains("rejected our request"));
  }
}
