package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.emulated.node.sandbox.MountNamespaces;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port-forward to a port nothing listens on is refused as a kubelet refuses it, with the reason
 * the emulated runtime knows: no Ray at all is a setup problem to fix, a Ray node not up yet is
 * not.
 */
class PodPortReachTest {

  @TempDir Path dir;

  private final Pod pod =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("ns")
          .withName("head-x")
          .endMetadata()
          .build();

  @Test
  void aPodWithoutRayProcessesSaysHowToGetThem() {
    SimulatedPodRuntime runtime =
        new SimulatedPodRuntime(
            new PodFilesystems(
                dir, () -> null, new NodeCapacity("2", "4Gi"), MountNamespaces.probe(), true));

    assertThatThrownBy(() -> runtime.reach(pod, 8265))
        .hasMessageStartingWith(
            "connect: connection refused: nothing listens on port 8265 of pod ns/head-x")
        .hasMessageContaining("Install Ray (kuberay.python)");
  }

  @Test
  void anyOtherRuntimeReportsTheRefusalWithoutTheRayHint() {
    try (PodRuntime runtime = new RedisPodRuntime(null, dir, Optional.empty())) {
      assertThatThrownBy(() -> runtime.reach(pod, 6380))
          .hasMessage(
              "connect: connection refused: nothing listens on port 6380 of pod ns/head-x in the"
                  + " emulated cluster");
    }
  }
}
