package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RayClusterChartTest {

  @Test
  void defaultsAreTheChartDefaults() {
    assertThat(
            RayClusterChart.release("raycluster", KubeRayVersion.V1_1_0).toSpec().toYaml("default"))
        .isEqualTo(
            RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0)
                .toYaml("default"));
  }

  @Test
  void valuesLandWhereTheChartTemplatesPutThem() {
    GenericKubernetesResource rc =
        RayClusterChart.release("raycluster", KubeRayVersion.V1_1_0)
            .set("head.resources.requests.cpu", "500m")
            .set("worker.resources.limits.memory", "3G")
            .setAll(
                "worker.replicas=2",
                "image.tag=2.52.0",
                "head.rayVersion=2.52.0",
                "worker.rayStartParams.num-gpus=0")
            .toSpec()
            .toResource("ns");

    Map<String, Object> spec = map(rc.getAdditionalProperties().get("spec"));
    Map<String, Object> head = map(spec.get("headGroupSpec"));
    Map<String, Object> worker = map(((List<?>) spec.get("workerGroupSpecs")).get(0));
    assertThat(spec).containsEntry("rayVersion", "2.52.0");
    assertThat(container(head)).containsEntry("image", "rayproject/ray:2.52.0");
    assertThat(container(worker)).containsEntry("image", "rayproject/ray:2.52.0");
    assertThat(map(map(container(head).get("resources")).get("requests")))
        .containsEntry("cpu", "500m")
        .containsEntry("memory", "2G");
    assertThat(map(map(container(head).get("resources")).get("limits"))).containsEntry("cpu", "1");
    assertThat(map(map(container(worker).get("resources")).get("limits")))
        .containsEntry("memory", "3G");
    assertThat(worker).containsEntry("replicas", 2);
    assertThat(map(worker.get("rayStartParams"))).containsEntry("num-gpus", "0");
    assertThat(rc.getMetadata().getName()).isEqualTo("raycluster-kuberay");
    assertThat(rc.getMetadata().getNamespace()).isEqualTo("ns");
  }

  @Test
  void unsupportedKeysAndMalformedSettingsSayWhatIsSupported() {
    RayClusterChart chart = RayClusterChart.release("raycluster", KubeRayVersion.V1_5_0);
    assertThatThrownBy(() -> chart.set("head.nodeSelector.disk", "ssd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported ray-cluster chart value 'head.nodeSelector.disk'")
        .hasMessageContaining("head.resources.requests.cpu");
    assertThatThrownBy(() -> chart.setAll("head.resources.requests.cpu:500m"))
        .hasMessageContaining("is not key=value, e.g. head.resources.requests.cpu=500m");
    assertThatThrownBy(() -> chart.set("worker.replicas", "two").toSpec())
        .hasMessage("Chart value worker.replicas must be a whole number, not 'two'.");
    assertThatThrownBy(() -> RayClusterChart.imageValues("rayproject/ray"))
        .hasMessageContaining("has no tag");
  }

  @Test
  void imageValuesSplitRepositoryAndTagAtTheLastColon() {
    assertThat(RayClusterChart.imageValues("localhost:5000/ray/ray:2.52.0"))
        .containsExactly(
            Map.entry("image.repository", "localhost:5000/ray/ray"),
            Map.entry("image.tag", "2.52.0"));
  }

  private static Map<String, Object> container(Map<String, Object> group) {
    return map(((List<?>) map(map(group.get("template")).get("spec")).get("containers")).get(0));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
