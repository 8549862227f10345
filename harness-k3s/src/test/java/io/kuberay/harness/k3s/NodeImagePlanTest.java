package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeImagePlanTest {

  private static final String NODE = "kuberay-harness/k8s-node:v1.36.3";
  private static final String OPERATOR = "kuberay-harness/kuberay-operator:v1.5.0";
  private static final String RAY = "kuberay-harness/ray:2.52.0";
  private static final K3sImages IMAGES =
      new K3sImages(NODE, OPERATOR, RAY, List.of(), Map.of(RAY, "rayproject/ray:2.52.0"));
  private static final Map<String, String> IDS =
      Map.of(NODE, "sha256:node", OPERATOR, "sha256:op15", RAY, "sha256:ray");

  private static NodeImagePlan plan(List<PreloadedNode> candidates) {
    return NodeImagePlan.of(IMAGES, IDS::get, candidates);
  }

  private static PreloadedNode preloaded(String tag, String base, String... carried) {
    return PreloadedNode.fromLabels(
            tag,
            Map.of(
                PreloadedNode.BASE_LABEL,
                base,
                PreloadedNode.CARRIED_LABEL,
                String.join(",", carried)))
        .orElseThrow();
  }

  @Test
  @DisplayName("a preloaded node carrying the very image IDs is run, and nothing is side-loaded")
  void everythingPreloaded() {
    NodeImagePlan plan =
        plan(
            List.of(
                preloaded(
                    "k8s-node:v1.36.3-preloaded",
                    "sha256:node",
                    "sha256:op11",
                    "sha256:op15",
                    "sha256:ray")));

    assertThat(plan.node()).isEqualTo("k8s-node:v1.36.3-preloaded");
    assertThat(plan.awaited()).containsExactly(OPERATOR, RAY);
    assertThat(plan.sideload()).isEmpty();
    assertThat(plan.id(RAY)).isEqualTo("sha256:ray");
  }

  @Test
  @DisplayName(
      "an image rebuilt since the node was preloaded (same name, other ID) is side-loaded; the rest is still preloaded")
  void changedImageIsSideloaded() {
    NodeImagePlan plan =
        plan(
            List.of(
                preloaded(
                    "k8s-node:v1.36.3-preloaded", "sha256:node", "sha256:op15", "sha256:old-ray")));

    assertThat(plan.node()).isEqualTo("k8s-node:v1.36.3-preloaded");
    assertThat(plan.awaited()).containsExactly(OPERATOR);
    assertThat(plan.sideload()).containsExactly(RAY);
  }

  @Test
  @DisplayName(
      "a preloaded node made from another node image is not used; without one everything is side-loaded into the plain node")
  void otherBaseIsIgnored() {
    NodeImagePlan plan =
        plan(
            List.of(
                preloaded(
                    "k8s-node:old-preloaded", "sha256:older-node", "sha256:op15", "sha256:ray")));

    assertThat(plan.node()).isEqualTo(NODE);
    assertThat(plan.preloaded()).isEmpty();
    assertThat(plan.awaited()).isEmpty();
    assertThat(plan.sideload()).containsExactly(OPERATOR, RAY);
  }

  @Test
  @DisplayName("of several preloaded nodes, the one carrying most of the needed images wins")
  void mostCarriedWins() {
    NodeImagePlan plan =
        plan(
            List.of(
                preloaded("a-preloaded", "sha256:node", "sha256:op15"),
                preloaded("b-preloaded", "sha256:node", "sha256:op15", "sha256:ray"),
                preloaded("c-preloaded", "sha256:node", "sha256:unrelated")));

    assertThat(plan.node()).isEqualTo("b-preloaded");
    assertThat(plan.sideload()).isEmpty();
  }

  @Test
  @DisplayName(
      "an image without both labels is not a preloaded node; markers are named by the ID's hex digits")
  void labelsAndMarkers() {
    assertThat(PreloadedNode.fromLabels("x", Map.of(PreloadedNode.BASE_LABEL, "sha256:node")))
        .isEmpty();
    assertThat(PreloadedNode.fromLabels("x", null)).isEmpty();
    assertThat(PreloadedNode.doneMarker("sha256:abc"))
        .isEqualTo("/run/kube-node/preloaded/abc.done");
    assertThat(PreloadedNode.failedMarker("sha256:abc"))
        .isEqualTo("/run/kube-node/preloaded/abc.failed");
  }
}
