package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.Maps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ray.io/disable-provisioned-head-restart} (v1.6.0+, set by v1.7.0 on a SidecarMode RayJob's
 * cluster), as KubeRay's {@code reconcilePods} reads it: a provisioned cluster whose head is gone
 * gets no new one; before it is provisioned, and on releases before v1.6.0, it does.
 */
class ProvisionedHeadRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: sidecar
        namespace: default
        annotations:
          ray.io/disable-provisioned-head-restart: "true"
      spec:
        headGroupSpec:
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
      """;

  private RayClusterControllerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private KubernetesClient start(String version) {
    fixture = RayClusterControllerFixture.start(UpstreamSpecs.flavor(version));
    KubernetesClient client = fixture.client();
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .resource(Serialization.unmarshal(CLUSTER, GenericKubernetesResource.class))
        .create();
    return client;
  }

  @Test
  void v170LeavesAProvisionedClusterWithoutAHead() {
    KubernetesClient client = start("v1.7.0");
    Pod head = awaitProvisionedHead(client);
    client.pods().inNamespace("default").resource(head).delete();
    Awaitility.await("RayCluster default/sidecar without a new head pod")
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .until(() -> heads(client).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.1.0"})
  void earlierReleasesCreateANewHead(String version) {
    KubernetesClient client = start(version);
    Pod head = awaitProvisionedHead(client);
    client.pods().inNamespace("default").resource(head).delete();
    Awaitility.await("RayCluster default/sidecar with a new head pod")
        .atMost(WAIT)
        .until(
            () ->
                heads(client).stream()
                    .anyMatch(
                        p -> !p.getMetadata().getName().equals(head.getMetadata().getName())));
  }

  @Test
  void v170CreatesTheFirstHeadOfAClusterNotYetProvisioned() {
    KubernetesClient client = start("v1.7.0");
    Awaitility.await("RayCluster default/sidecar with its first head pod")
        .atMost(WAIT)
        .until(() -> !heads(client).isEmpty());
    assertThat(provisioned(client)).isFalse();
  }

  /** Plays the kubelet until the RayCluster is provisioned; returns its head. */
  private static Pod awaitProvisionedHead(KubernetesClient client) {
    Awaitility.await("RayCluster default/sidecar provisioned (head Running and Ready)")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              UpstreamSpecs.podsRunningAndReady(client);
              return provisioned(client) || isV110Ready(client);
            });
    return heads(client).get(0);
  }

  /** v1.1.0 writes no conditions: its state is the sign. */
  private static boolean isV110Ready(KubernetesClient client) {
    return "ready".equals(status(client).get("state")) && !status(client).containsKey("conditions");
  }

  private static boolean provisioned(KubernetesClient client) {
    return Maps.list(status(client).get("conditions")).stream()
        .map(Maps::map)
        .anyMatch(
            c -> "RayClusterProvisioned".equals(c.get("type")) && "True".equals(c.get("status")));
  }

  private static Map<String, Object> status(KubernetesClient client) {
    GenericKubernetesResource cluster =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace("default")
            .withName("sidecar")
            .get();
    return Maps.map(cluster == null ? null : cluster.getAdditionalProperties().get("status"));
  }

  private static List<Pod> heads(KubernetesClient client) {
    return client
        .pods()
        .inNamespace("default")
        .withLabel("ray.io/node-type", "head")
        .list()
        .getItems();
  }
}
