package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The KubeRay quick-start as a test: KubeRay v1.1.0, then {@code helm install raycluster
 * kuberay/ray-cluster}. The extension creates the cluster in a fresh namespace and waits until it
 * is ready before the first test.
 */
@KubeRayTest(
    kuberayVersion = "v1.1.0",
    ray = "off",
    clusters =
        @RayCluster(
            helmRelease = "raycluster",
            // Requests lowered so that head and worker fit a 2-CPU k3s node next to the operator;
            // limits (Ray's CPUs) stay 1.
            helmValues = {"head.resources.requests.cpu=500m", "worker.resources.requests.cpu=500m"},
            readyTimeout = "3m"))
@DisplayName("@KubeRayTest with the quick-start's Helm release")
class TutorialFlowTests {

  @Test
  @DisplayName(
      "helm release 'raycluster' becomes RayCluster raycluster-kuberay, ready, in the class's namespace")
  void clusterIsReady(RayClusterHandle cluster, @KubeRayNamespace String namespace) {
    assertThat(cluster.name()).isEqualTo("raycluster-kuberay");
    assertThat(cluster.namespace()).isEqualTo(namespace).startsWith("kr-tutorialflowtests-");
    assertThat(cluster.status().state()).isEqualTo("ready");
    assertThat(cluster.workerPods())
        .singleElement()
        .satisfies(
            w -> assertThat(w.name()).matches("raycluster-kuberay-worker-workergroup-[a-z0-9]{5}"));
  }

  @Test
  @DisplayName("@HeadPod injects the head pod raycluster-kuberay-head-xxxxx, Running")
  void headPod(@HeadPod PodHandle head) {
    assertThat(head.name()).matches("raycluster-kuberay-head-[a-z0-9]{5}");
    assertThat(head.phase()).isEqualTo("Running");
  }

  @Test
  @DisplayName("the head service is raycluster-kuberay-head-svc")
  void headService(RayClusterHandle cluster) {
    assertThat(cluster.headService().getMetadata().getName())
        .isEqualTo("raycluster-kuberay-head-svc");
  }

  @Test
  @DisplayName("the KubeRay operator pod runs in ray-system")
  void operatorRunsInRaySystem(KubeRayEnvironment environment, KubernetesClient client) {
    assertThat(environment.operatorNamespace()).isEqualTo("ray-system");
    assertThat(client.pods().inNamespace("ray-system").list().getItems())
        .extracting(Pod::getMetadata)
        .singleElement()
        .satisfies(m -> assertThat(m.getName()).startsWith("kuberay-operator-"));
  }
}
