package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReuseKeyTest {

  private static final Map<String, String> IDS =
      Map.of("op:v1.5.0", "sha256:op", "ray:2.52.0", "sha256:ray");
  private static final Map<String, String> ALIASES = Map.of("ray:2.52.0", "rayproject/ray:2.52.0");
  private static final ReuseKey KEY =
      new ReuseKey("sha256:node", IDS, ALIASES, "v1.5.0", "kustomize");

  @Test
  @DisplayName("the same configuration gives the same hash, whatever the order of its images")
  void stable() {
    Map<String, String> reordered = new LinkedHashMap<>();
    reordered.put("ray:2.52.0", "sha256:ray");
    reordered.put("op:v1.5.0", "sha256:op");

    assertThat(new ReuseKey("sha256:node", reordered, ALIASES, "v1.5.0", "kustomize").hash())
        .isEqualTo(KEY.hash())
        .hasSize(16)
        .matches("[0-9a-f]+");
  }

  @Test
  @DisplayName(
      "a rebuilt image (same name, new ID), another node, version, install method or alias is another configuration")
  void eachInputCounts() {
    assertThat(
            new ReuseKey(
                    "sha256:node",
                    Map.of("op:v1.5.0", "sha256:op", "ray:2.52.0", "sha256:ray2"),
                    ALIASES,
                    "v1.5.0",
                    "kustomize")
                .hash())
        .isNotEqualTo(KEY.hash());
    assertThat(new ReuseKey("sha256:node2", IDS, ALIASES, "v1.5.0", "kustomize").hash())
        .isNotEqualTo(KEY.hash());
    assertThat(new ReuseKey("sha256:node", IDS, ALIASES, "v1.1.0", "kustomize").hash())
        .isNotEqualTo(KEY.hash());
    assertThat(new ReuseKey("sha256:node", IDS, ALIASES, "v1.5.0", "helm").hash())
        .isNotEqualTo(KEY.hash());
    assertThat(new ReuseKey("sha256:node", IDS, Map.of(), "v1.5.0", "kustomize").hash())
        .isNotEqualTo(KEY.hash());
  }

  @Test
  @DisplayName(
      "a kept container is labelled with the hash and as reusable (the label docker rm -f -v filters on)")
  void labels() {
    assertThat(KEY.labels())
        .containsEntry(ReuseKey.CONFIG_LABEL, KEY.hash())
        .containsEntry(ReuseKey.REUSE_LABEL, "true");
  }
}
