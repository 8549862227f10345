package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.kuberay.harness.RayClusterHandle;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A cluster declared with its own image, Ray version, head resources and worker groups. */
@DisplayName("@RayCluster attributes shape the RayCluster")
@KubeRayTest(
    ray = "off",
    clusters =
        @RayCluster(
            name = "tuned",
            image = "rayproject/ray:2.46.0",
            rayVersion = "2.46.0",
            headCpu = "500m",
            headMemory = "1G",
            workerGroups =
                @WorkerGroup(name = "small", replicas = 2, cpu = "250m", memory = "512M")))
class ClusterAttributesTests {

  @Test
  @DisplayName("image, rayVersion, head CPU/memory and worker groups reach the spec and the pods")
  @SuppressWarnings("unchecked")
  void attributes(RayClusterHandle cluster) {
    Map<String, Object> spec =
        (Map<String, Object>) cluster.get().getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("rayVersion", "2.46.0");
    Container head = cluster.headPod().get().getSpec().getContainers().get(0);
    assertThat(head.getImage()).isEqualTo("rayproject/ray:2.46.0");
    assertThat(head.getArgs().get(0)).contains("--num-cpus=1").contains("--memory=1000000000");
    assertThat(cluster.workerPods("small")).hasSize(2);
  }
}
