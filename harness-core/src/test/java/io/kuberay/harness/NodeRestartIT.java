package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The emulated node restarts (every pod process killed at once, as on a reboot) under a real Ray
 * cluster: the kubelet restarts every container, the worker rejoins the new head, and the cluster
 * reads as ready only once Ray has both nodes again.
 */
class NodeRestartIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: reboot
      spec:
        rayVersion: '2.52.0'
        headGroupSpec:
          rayStartParams:
            num-cpus: '1'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 2G}
                  requests: {cpu: 500m, memory: 1G}
        workerGroupSpecs:
        - groupName: workers
          replicas: 1
          minReplicas: 1
          maxReplicas: 1
          rayStartParams:
            num-cpus: '1'
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 1G}
                  requests: {cpu: 500m, memory: 1G}
      """;

  /** Generous: on a 2-core machine shared with other builds a Ray head can take minutes. */
  private static final Duration RECOVERY = Duration.ofMinutes(6);

  private static KubeRayEnvironment env;
  private static RayClusterHandle cluster;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    cluster = env.rayClusters().createFromYaml(CLUSTER);
    cluster.awaitReady(RECOVERY);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName(
      "node restart: every container restarts, the worker rejoins the new head, ready means both nodes")
  void nodeRestarts() {
    String head = cluster.headPod().name();
    String worker = cluster.workerPods().get(0).name();
    String bootId = node().getStatus().getNodeInfo().getBootID();

    int killed = env.restartNode();
    long start = System.nanoTime();
    assertThat(killed)
        .as("processes killed (each node's ray start, raylet, GCS, ...)")
        .isGreaterThan(4);

    awaitRestarted(head);
    awaitRestarted(worker);
    cluster.awaitReady(RECOVERY);
    System.out.printf(
        "[recovery] node restart (%d processes killed) -> ready with both nodes in %d ms%n",
        killed, (System.nanoTime() - start) / 1_000_000);
    assertThat(cluster.headPod().name()).as("the same head pod, restarted").isEqualTo(head);
    assertThat(AliveRayNodes.in(cluster.headPod())).isEqualTo(2);

    // The Node as a restarted kubelet reports it: a new boot id, its events, Ready again.
    Node node = node();
    assertThat(node.getStatus().getNodeInfo().getBootID()).isNotBlank().isNotEqualTo(bootId);
    assertThat(node.getStatus().getConditions())
        .filteredOn(c -> c.getType().equals("Ready"))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(
            env.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "Node".equals(e.getInvolvedObject().getKind()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()))
        .contains("Normal Starting: Starting kubelet.")
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("Warning Rebooted: Node ")
                    .contains(node.getStatus().getNodeInfo().getBootID()))
        .anySatisfy(e -> assertThat(e).startsWith("Normal NodeReady: "));
  }

  private static Node node() {
    return env.client().nodes().list().getItems().get(0);
  }

  private static void awaitRestarted(String pod) {
    Waits.until(
        "pod default/" + pod,
        "restartCount 1 after the node restart",
        RECOVERY,
        () -> env.client().pods().inNamespace("default").withName(pod).get(),
        p -> p != null && restartCount(p) >= 1,
        p -> p == null ? "gone" : String.valueOf(p.getStatus()),
        p -> p == null);
  }

  private static int restartCount(Pod p) {
    return p.getStatus().getContainerStatuses().get(0).getRestartCount();
  }
}
