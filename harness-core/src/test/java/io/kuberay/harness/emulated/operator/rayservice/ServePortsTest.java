package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ServePortsTest {

  private final ServePorts ports = new ServePorts();

  private static Pod pod(String name, String nodeType) {
    PodBuilder b =
        new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata();
    if (nodeType != null) {
      b.editMetadata()
          .addToLabels("ray.io/cluster", "svc-abcde")
          .addToLabels("ray.io/node-type", nodeType)
          .endMetadata();
    }
    return b.withNewSpec().addNewContainer().withName("ray").endContainer().endSpec().build();
  }

  /**
   * KubeRay labels a RayService's workers ray.io/serve=true, so its serve service sends requests to
   * them; each reaches the cluster's proxy, as a worker's own proxy would route to every replica.
   */
  @Test
  void headAndWorkerServePortsReachTheClustersProxy() {
    int port = ports.portFor("ns", "svc-abcde");
    URI proxy = URI.create("http://127.0.0.1:" + port);

    assertThat(ports.address(pod("head", "head"), 8000)).contains(proxy);
    assertThat(ports.address(pod("worker", "worker"), 8000)).contains(proxy);
  }

  @Test
  void otherPortsAndPodsAreNotTheProxys() {
    ports.portFor("ns", "svc-abcde");

    assertThat(ports.address(pod("worker", "worker"), 8265)).isEmpty();
    assertThat(ports.address(pod("web", null), 8000)).isEmpty();
  }
}
