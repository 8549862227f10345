package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.install.KubeRayManifests;
import io.kuberay.harness.install.ManifestObject;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * The RayJob controller tests' set-up: an in-process API server with the release's CRDs, a {@link
 * StandInDashboard} that every RayCluster's dashboard address leads to, the RayJob controller and,
 * where asked, the RayCluster controller; closing it stops them all.
 */
final class RayJobControllerFixture implements AutoCloseable {

  /** A RayJob's spec lines: HTTPMode on the RayCluster {@link #selectedCluster} makes. */
  static final String HTTP_ON_SELECTED =
      "  submissionMode: HTTPMode\n  clusterSelector: {ray.io/cluster: selected}\n";

  final EmulatedApiServer api;
  final StandInDashboard dashboard;
  private RayClusterController clusterController;
  private RayJobController jobController;

  private RayJobControllerFixture(OperatorFlavor flavor) throws IOException {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    dashboard = new StandInDashboard();
    for (ManifestObject o : KubeRayManifests.rawBundle(flavor.version(), Optional.empty())) {
      if (o.isCrd()) {
        api.create(JsonText.readObject(o.json()));
      }
    }
  }

  /** The RayJob controller of {@code flavor}, the RayCluster controller too if asked. */
  static RayJobControllerFixture start(OperatorFlavor flavor, boolean runClusterController)
      throws IOException {
    RayJobControllerFixture fixture = new RayJobControllerFixture(flavor);
    try {
      fixture.startControllers(flavor, runClusterController);
    } catch (RuntimeException e) {
      fixture.close();
      throw e;
    }
    return fixture;
  }

  /** The RayJob controller of {@code flavor} alone; the test plays the RayCluster controller. */
  static RayJobControllerFixture start(OperatorFlavor flavor) throws IOException {
    return start(flavor, false);
  }

  private void startControllers(OperatorFlavor flavor, boolean runClusterController) {
    if (runClusterController) {
      clusterController =
          new RayClusterController(
                  api.client(), api, flavor, new EventRecorder(api, "raycluster-controller"))
              .start();
    }
    URI uri = dashboard.uri();
    jobController =
        new RayJobController(
                api.client(),
                api,
                flavor,
                new EventRecorder(api, "rayjob-controller"),
                (namespace, cluster) -> Optional.of(uri))
            .start();
  }

  KubernetesClient client() {
    return api.client();
  }

  /** RayCluster {@code selected}, ready, as the RayCluster controller would leave it. */
  void selectedCluster() {
    client()
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: selected, namespace: default}
                spec:
                  headGroupSpec:
                    rayStartParams: {}
                    template:
                      spec:
                        containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
                """,
                GenericKubernetesResource.class))
        .create();
    UpstreamSpecs.readyClusters(client());
  }

  @Override
  public void close() {
    if (jobController != null) {
      jobController.close();
    }
    if (clusterController != null) {
      clusterController.close();
    }
    api.close();
    dashboard.close();
  }
}
