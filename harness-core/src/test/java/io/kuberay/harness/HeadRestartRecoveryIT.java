package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Head restarts on real Ray: a worker rejoins the new head as a real KubeRay worker does (its
 * raylet exits once the GCS it knew is gone, the container restarts and {@code ray start} reaches
 * the head service's current head), and the cluster does not read as ready while Ray lacks the
 * worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeadRestartRecoveryIT {

  /**
   * Ray's own setting (default 60 s): how long a raylet keeps trying a lost GCS before it exits.
   */
  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: restarts
      spec:
        rayVersion: '2.52.0'
        headGroupSpec:
          rayStartParams:
            dashboard-host: '0.0.0.0'
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
                env:
                - name: RAY_gcs_rpc_server_reconnect_timeout_s
                  value: '10'
                resources:
                  limits: {cpu: '1', memory: 1G}
                  requests: {cpu: 500m, memory: 1G}
      """;

  /**
   * Generous: on a 2-core machine shared with other builds a Ray head can take minutes to be ready.
   */
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
    assertThat(aliveNodes()).isEqualTo(2);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName(
      "kill -9 of the head's gcs_server: the head restarts, the worker rejoins it, and ready means both nodes")
  void gcsServerKilled() {
    PodHandle head = cluster.headPod();
    // Only this head's gcs_server: its command line names the port the pod's RAY_ADDRESS points at.
    ExecResult kill =
        head.execShell(
            "pid=$(pgrep -f -- \"gcs_server_port=${RAY_ADDRESS##*:}( |$)\"); "
                + "test -n \"$pid\" && kill -9 $pid && echo killed $pid");
    assertThat(kill.stdout()).as(kill.stderr()).contains("killed");
    long start = System.nanoTime();

    awaitHeadRestarted(head.name(), 1);
    cluster.awaitReady(RECOVERY);
    System.out.printf(
        "[recovery] gcs_server kill -9 -> ready with both nodes in %d ms%n",
        (System.nanoTime() - start) / 1_000_000);
    assertThat(aliveNodes()).as("Ray's nodes the moment the cluster reads as ready").isEqualTo(2);
  }

  @Test
  @Order(2)
  @DisplayName(
      "the head pod deleted: the operator creates a new one, the worker rejoins it, and ready means both nodes")
  void headPodDeleted() {
    String old = cluster.headPod().name();
    env.client().pods().inNamespace("default").withName(old).delete();
    long start = System.nanoTime();
    Waits.until(
        "head pod of RayCluster default/restarts",
        "a new head pod",
        RECOVERY,
        () -> cluster.headPod().name(),
        name -> !name.equals(old),
        name -> name,
        null);

    cluster.awaitReady(RECOVERY);
    System.out.printf(
        "[recovery] head pod deleted -> ready with both nodes in %d ms%n",
        (System.nanoTime() - start) / 1_000_000);
    assertThat(aliveNodes()).as("Ray's nodes the moment the cluster reads as ready").isEqualTo(2);
  }

  private static void awaitHeadRestarted(String headName, int restarts) {
    Waits.until(
        "head pod default/" + headName,
        "restartCount " + restarts,
        RECOVERY,
        () -> env.client().pods().inNamespace("default").withName(headName).get(),
        p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= restarts,
        p -> String.valueOf(p.getStatus()),
        null);
  }

  private static int aliveNodes() {
    return AliveRayNodes.in(cluster.headPod());
  }
}
