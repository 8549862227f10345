package io.kuberay.harness.emulated.operator.rayservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status the controller writes for a RayService whose cluster is not up yet (no RayCluster
 * controller, no dashboard), against the emulated API server, as real KubeRay v1.5.0 wrote it on
 * k3s.
 */
class RayServiceControllerStatusTest {

  private EmulatedApiServer api;
  private RayServiceController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void v150FirstStatusHasGenerationsAndGoZeroValues() {
    api = new EmulatedApiServer().start("http://127.0.0.1:1");
    api.create(openCrd("RayCluster"));
    api.create(openCrd("RayService"));
    KubernetesClient client = api.client();
    controller =
        new RayServiceController(
                client,
                api,
                new OperatorFlavor(KubeRayVersion.V1_5_0),
                new EventRecorder(api, "rayservice-controller"),
                (namespace, cluster) -> Optional.empty(),
                new ServePorts())
            .start();
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
        .inNamespace("default")
        .resource(
            Serialization.unmarshal(
                RayServiceClustersTest.yaml().replace("  generation: 1\n", ""),
                GenericKubernetesResource.class))
        .create();

    Map<String, Object> status =
        Awaitility.await("the RayService's conditions")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    Maps.map(
                        client
                            .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
                            .inNamespace("default")
                            .withName("rayservice-sample")
                            .get()
                            .getAdditionalProperties()
                            .get("status")),
                s -> s.containsKey("conditions"));

    // setCondition: ObservedGeneration = Status.ObservedGeneration = metadata.generation (1).
    assertThat(status).containsEntry("observedGeneration", 1);
    assertThat(Maps.list(status.get("conditions")))
        .hasSize(2)
        .allSatisfy(c -> assertThat(Maps.map(c)).containsEntry("observedGeneration", 1));
    // No active cluster: the zero RayServiceStatus, whose rayClusterStatus is written anyway.
    assertThat(Maps.map(status.get("activeServiceStatus")))
        .isEqualTo(
            Map.of(
                "rayClusterStatus",
                Map.of(
                    "desiredCPU",
                    "0",
                    "desiredGPU",
                    "0",
                    "desiredMemory",
                    "0",
                    "desiredTPU",
                    "0",
                    "head",
                    Map.of())));
    String pending = Maps.string(status, "pendingServiceStatus", "rayClusterName").orElseThrow();
    assertThat(Maps.map(Maps.map(status.get("pendingServiceStatus")).get("rayClusterStatus")))
        .containsEntry("desiredCPU", "0")
        .containsEntry("head", Map.of());
    // constructRayClusterForRayService: the cluster carries the operator's version.
    GenericKubernetesResource cluster =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace("default")
            .withName(pending)
            .get();
    assertThat(cluster.getMetadata().getAnnotations())
        .containsEntry("ray.io/kuberay-version", "v1.5.0");
  }

  /** A ray.io/v1 CRD with an open schema and the status subresource. */
  static Map<String, Object> openCrd(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    Map<String, Object> crd =
        Map.of(
            "apiVersion",
            "apiextensions.k8s.io/v1",
            "kind",
            "CustomResourceDefinition",
            "metadata",
            Map.of("name", lower + "s.ray.io"),
            "spec",
            Map.of(
                "group",
                "ray.io",
                "names",
                Map.of(
                    "kind",
                    kind,
                    "listKind",
                    kind + "List",
                    "plural",
                    lower + "s",
                    "singular",
                    lower),
                "scope",
                "Namespaced",
                "versions",
                List.of(
                    Map.of(
                        "name",
                        "v1",
                        "served",
                        true,
                        "storage",
                        true,
                        "subresources",
                        Map.of("status", Map.of()),
                        "schema",
                        Map.of(
                            "openAPIV3Schema",
                            Map.of(
                                "type",
                                "object",
                                "x-kubernetes-preserve-unknown-fields",
                                true))))));
    return crd;
  }
}
