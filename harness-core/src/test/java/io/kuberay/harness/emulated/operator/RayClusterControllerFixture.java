package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;

/**
 * The RayCluster controller tests' set-up: an in-process API server with an open RayCluster CRD and
 * the RayCluster controller of one release; closing it stops both.
 */
final class RayClusterControllerFixture implements AutoCloseable {

  private final EmulatedApiServer api;
  private final RayClusterController controller;

  private RayClusterControllerFixture(OperatorFlavor flavor) {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    api.create(UpstreamSpecs.openCrd("RayCluster"));
    controller =
        new RayClusterController(
                api.client(), api, flavor, new EventRecorder(api, "raycluster-controller"))
            .start();
  }

  static RayClusterControllerFixture start(OperatorFlavor flavor) {
    return new RayClusterControllerFixture(flavor);
  }

  KubernetesClient client() {
    return api.client();
  }

  @Override
  public void close() {
    controller.close();
    api.close();
  }
}
