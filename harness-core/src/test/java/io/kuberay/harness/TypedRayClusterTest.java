package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.kuberay.harness.model.v1.RayCluster;
import io.kuberay.harness.model.v1.RayClusterSpec;
import io.kuberay.harness.model.v1.rayclusterspec.HeadGroupSpec;
import io.kuberay.harness.model.v1.rayclusterspec.WorkerGroupSpecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The harness API takes and gives kuberay-model's typed RayCluster. */
class TypedRayClusterTest {

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("16", "64Gi")
            .startExactly();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static RayCluster typed(String name) {
    HeadGroupSpec head = new HeadGroupSpec();
    head.setRayStartParams(Map.of("dashboard-host", "0.0.0.0"));
    head.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("ray-head")
            .withImage("rayproject/ray:2.52.0")
            .endContainer()
            .endSpec()
            .build());
    WorkerGroupSpecs workers = new WorkerGroupSpecs();
    workers.setGroupName("small");
    workers.setReplicas(2);
    workers.setMinReplicas(0);
    workers.setMaxReplicas(4);
    workers.setRayStartParams(Map.of());
    workers.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("ray-worker")
            .withImage("rayproject/ray:2.52.0")
            .endContainer()
            .endSpec()
            .build());
    RayClusterSpec spec = new RayClusterSpec();
    spec.setRayVersion("2.52.0");
    spec.setHeadGroupSpec(head);
    spec.setWorkerGroupSpecs(List.of(workers));
    RayCluster cluster = new RayCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).build());
    cluster.setSpec(spec);
    return cluster;
  }

  @Test
  @DisplayName(
      "a typed RayCluster is created as given, and the handle reads it back typed with the operator's status")
  void roundTrip() {
    String ns = env.createNamespace("typed");
    RayClusterHandle handle =
        env.rayClusters().inNamespace(ns).create(typed("typed")).awaitReady(Duration.ofSeconds(30));

    RayCluster stored = handle.rayCluster();
    assertThat(stored.getMetadata().getNamespace()).isEqualTo(ns);
    assertThat(stored.getSpec().getWorkerGroupSpecs())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getGroupName()).isEqualTo("small");
              assertThat(g.getMaxReplicas()).isEqualTo(4);
              assertThat(g.getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("rayproject/ray:2.52.0");
            });
    assertThat(stored.getStatus().getState()).hasToString("ready");
    assertThat(stored.getStatus().getAvailableWorkerReplicas()).isEqualTo(2);
    assertThat(handle.workerPods("small")).hasSize(2);
  }

  @Test
  @DisplayName("a typed RayCluster without a name fails before anything is sent")
  void noName() {
    RayCluster cluster = typed("x");
    cluster.setMetadata(null);
    assertThatThrownBy(() -> env.rayClusters().create(cluster))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("The RayCluster has no metadata.name");
  }
}
