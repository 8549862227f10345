package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.settings.SettingsReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The emulated node's extended resources, labels and taints: builder, properties and bad input. */
class NodeShapeSettingsTest {

  @Test
  void propertiesOverrideTheBuildersNode() {
    EnvironmentSettings base =
        KubeRayEnvironment.builder()
            .nodeCapacity("4", "8Gi")
            .nodeExtendedResource("nvidia.com/gpu", "1")
            .settings();
    Map<String, String> props =
        Map.of(
            "kuberay.node.resources", "nvidia.com/gpu=4, google.com/tpu=8",
            "kuberay.node.labels", "cloud.google.com/gke-accelerator=nvidia-l4",
            "kuberay.node.taints", "nvidia.com/gpu=present:NoSchedule,dedicated:NoExecute");
    NodeCapacity node =
        base.withOverridesFrom(SettingsReader.ofProperties(props::get)).nodeCapacity();
    assertThat(node.cpu()).isEqualTo("4");
    assertThat(node.extendedResources())
        .containsOnly(Map.entry("nvidia.com/gpu", "4"), Map.entry("google.com/tpu", "8"));
    assertThat(node.labels())
        .containsOnly(Map.entry("cloud.google.com/gke-accelerator", "nvidia-l4"));
    assertThat(node.taints())
        .containsExactly("nvidia.com/gpu=present:NoSchedule", "dedicated:NoExecute");
    assertThat(
            base.withOverridesFrom(SettingsReader.ofProperties(k -> null))
                .nodeCapacity()
                .extendedResources())
        .containsOnly(Map.entry("nvidia.com/gpu", "1"));
  }

  @Test
  void badInputSaysWhatToWrite() {
    NodeCapacity node = new NodeCapacity("4", "8Gi");
    assertThatThrownBy(() -> node.withTaint("gpu=yes"))
        .hasMessage(
            "Node taint 'gpu=yes' is not of the form key=value:Effect (or key:Effect) with Effect one of NoSchedule, PreferNoSchedule, NoExecute;"
                + " e.g. nvidia.com/gpu=present:NoSchedule.");
    assertThatThrownBy(() -> node.withExtendedResource("gpu", "4"))
        .hasMessage(
            "Node extended resource 'gpu' must be a domain-qualified name such as nvidia.com/gpu (cpu and memory have their own settings).");
    assertThatThrownBy(() -> node.withExtendedResource("nvidia.com/gpu", "four"))
        .hasMessageStartingWith("Node nvidia.com/gpu 'four' is not a Kubernetes quantity");
    assertThatThrownBy(() -> NodeCapacity.pairs("kuberay.node.resources", "nvidia.com/gpu"))
        .hasMessage(
            "kuberay.node.resources must be a comma-separated list of name=value pairs, e.g. nvidia.com/gpu=4; got 'nvidia.com/gpu'.");
    assertThat(NodeCapacity.taint("k:NoSchedule")).containsExactly("k", "", "NoSchedule");
    assertThat(List.of(NodeCapacity.taint("a.b/c=d:NoExecute")))
        .containsExactly("a.b/c", "d", "NoExecute");
  }
}
