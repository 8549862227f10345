package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NamespaceSweepTest {

  @Test
  @DisplayName(
      "a reused cluster drops the namespaces the first run did not find, never Kubernetes' own or the operator's")
  void staleNamespaces() {
    List<String> present =
        List.of(
            "default",
            "kube-system",
            "kube-public",
            "kube-node-lease",
            "ray-system",
            "bench",
            "tutorial-x");

    assertThat(
            NamespaceSweep.stale(
                present, List.of("default", "kube-system", "ray-system"), "ray-system"))
        .containsExactly("bench", "tutorial-x");
    assertThat(NamespaceSweep.stale(present, List.of(), "ray-system"))
        .as(
            "no record (a container an older harness kept): only Kubernetes' own and the operator's are kept")
        .containsExactly("bench", "tutorial-x");
    assertThat(NamespaceSweep.stale(present, List.of("bench"), "ray-system"))
        .containsExactly("tutorial-x");
  }
}
