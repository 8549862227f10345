package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RayCluster of {@code constructRayClusterForRayService} (rayservice_controller.go). */
class RayServiceClustersTest {

  static RayServiceView service() {
    return new RayServiceView(Serialization.unmarshal(yaml(), GenericKubernetesResource.class));
  }

  /** A RayService {@code default/rayservice-sample} with a head-only cluster and a serve port. */
  static String yaml() {
    return "apiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: rayservice-sample\n"
        + "  namespace: default\n  generation: 1\n  annotations:\n    team: serve\n"
        + "spec:\n  rayClusterConfig:\n    headGroupSpec:\n      template:\n        spec:\n"
        + "          containers:\n          - name: ray-head\n            image: rayproject/ray:2.52.0\n"
        + "            ports:\n            - name: serve\n              containerPort: 8000\n";
  }

  private static Map<String, String> annotations(String version) {
    GenericKubernetesResource cluster =
        RayServiceClusters.build(
            KubeRayVersion.of(version),
            service(),
            "rayservice-sample-abcde",
            new OwnerReferenceBuilder().withName("rayservice-sample").build());
    return cluster.getMetadata().getAnnotations();
  }

  /** v1.2.0+: rayClusterAnnotations[utils.KubeRayVersion] = utils.KUBERAY_VERSION. */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void theClusterCarriesTheOperatorsVersion(String version) {
    assertThat(annotations(version))
        .containsEntry("ray.io/kuberay-version", version)
        .containsEntry("team", "serve")
        .containsEntry("ray.io/num-worker-groups", "0")
        .containsKey("ray.io/hash-without-replicas-and-workers-to-delete");
  }

  /** v1.1.0's constructRayClusterForRayService has no version annotation. */
  @Test
  void v110StampsNoVersion() {
    assertThat(annotations("v1.1.0"))
        .doesNotContainKey("ray.io/kuberay-version")
        .containsKey("ray.io/hash-without-replicas-and-workers-to-delete");
  }
}
