package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fields marked {@link KubeRayResource} are injected: static ones before {@code @BeforeAll},
 * instance ones before {@code @BeforeEach}. With several clusters, {@link ClusterName} picks one.
 */
@KubeRayTest(
    ray = "off",
    clusters = {
      @RayCluster(name = "small"),
      @RayCluster(
          name = "big",
          workerGroups = @WorkerGroup(name = "cpu", replicas = 2, cpu = "500m", memory = "512Mi")),
      @RayCluster(yaml = "clusters/from-yaml-raycluster.yaml")
    })
@DisplayName("@KubeRayTest field injection")
class FieldInjectionTests {

  @KubeRayResource static KubeRayEnvironment environment;
  @KubeRayResource @KubeRayNamespace static String namespace;

  @KubeRayResource KubernetesClient client;

  @KubeRayResource
  @ClusterName("big")
  RayClusterHandle big;

  @KubeRayResource
  @ClusterName("small")
  @HeadPod
  PodHandle smallHead;

  @KubeRayResource
  @ClusterName("from-yaml")
  RayClusterHandle fromYaml;

  static String namespaceSeenInBeforeAll;

  @BeforeAll
  static void staticFieldsAreSetBeforeBeforeAll() {
    namespaceSeenInBeforeAll = namespace;
  }

  @Test
  @DisplayName("static fields hold the environment and the namespace, already in @BeforeAll")
  void staticFields() {
    assertThat(environment.isClosed()).isFalse();
    assertThat(namespaceSeenInBeforeAll).isEqualTo(namespace).startsWith("kr-fieldinjectiontests-");
  }

  @Test
  @DisplayName("instance fields hold the client, the chosen clusters and a head pod")
  void instanceFields() {
    assertThat(client.namespaces().withName(namespace).get()).isNotNull();
    assertThat(big.workerPods("cpu")).hasSize(2);
    assertThat(smallHead.name()).matches("small-head-[a-z0-9]{5}");
    assertThat(fromYaml.status().state()).isEqualTo("ready");
  }
}
