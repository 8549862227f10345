package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The head's {@code autoscaler} container as the kubelet reports it when it crashes: its own
 * restarts, CrashLoopBackOff and last termination, a BackOff event, and the pod not Ready (so
 * {@code kubectl get pods} shows {@code 1/2}), while the Ray container keeps running. Before, such
 * a head read {@code 2/2 Running}, {@code RESTARTS 0} (docs/PARITY.md). The autoscaler's Python is
 * broken the way a wrong environment variable breaks it on a cluster.
 */
class AutoscalerSidecarIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: broken-autoscaler
      spec:
        rayVersion: '2.52.0'
        enableInTreeAutoscaling: true
        autoscalerOptions:
          env:
          - name: PYTHONHOME
            value: /nonexistent
        headGroupSpec:
          rayStartParams:
            num-cpus: '0'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
        workerGroupSpecs:
        - groupName: small
          replicas: 0
          minReplicas: 0
          maxReplicas: 1
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
      """;

  private static final Duration WAIT = Duration.ofMinutes(4);
  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static Optional<ContainerStatus> status(Pod pod, String container) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? Optional.empty()
        : pod.getStatus().getContainerStatuses().stream()
            .filter(cs -> container.equals(cs.getName()))
            .findFirst();
  }

  private static Optional<PodCondition> ready(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? Optional.empty()
        : pod.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst();
  }

  @Test
  void aCrashingAutoscalerRestartsWithItsOwnStatusAndKeepsTheHeadUnready() {
    String ns = env.createNamespace("sidecar");
    RayClusterHandle cluster = env.rayClusters().inNamespace(ns).createFromYaml(CLUSTER);

    Pod[] seen = new Pod[1];
    Awaitility.await(
            "the autoscaler container of the head of "
                + ns
                + "/broken-autoscaler in CrashLoopBackOff after a restart")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        // No head pod yet.
        .ignoreException(IllegalStateException.class)
        .failFast(
            "the Ray container of the head restarted",
            () ->
                seen[0] != null
                    && status(seen[0], "ray-head").map(ContainerStatus::getRestartCount).orElse(0)
                        > 0)
        .untilAsserted(
            () -> {
              seen[0] = cluster.headPod().get();
              ContainerStatus autoscaler = status(seen[0], "autoscaler").orElseThrow();
              assertThat(autoscaler.getRestartCount()).as("restarts").isGreaterThanOrEqualTo(1);
              assertThat(autoscaler.getState().getWaiting())
                  .as("state of %s", autoscaler.getState())
                  .isNotNull();
              assertThat(autoscaler.getState().getWaiting().getReason())
                  .isEqualTo("CrashLoopBackOff");
            });

    Pod head = seen[0];
    ContainerStatus autoscaler = status(head, "autoscaler").orElseThrow();
    assertThat(autoscaler.getReady()).isFalse();
    assertThat(autoscaler.getLastState().getTerminated().getExitCode()).isNotZero();
    assertThat(autoscaler.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(autoscaler.getState().getWaiting().getMessage())
        .startsWith("back-off ")
        .contains("restarting failed container=autoscaler pod=" + head.getMetadata().getName());
    ContainerStatus ray = status(head, "ray-head").orElseThrow();
    assertThat(ray.getRestartCount()).as("the Ray container's restarts").isZero();
    assertThat(ray.getState().getRunning()).as("the Ray container runs").isNotNull();
    assertThat(ready(head).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(ready(head).orElseThrow().getMessage()).contains("autoscaler");
    assertThat(head.getStatus().getPhase()).isEqualTo("Running");

    Awaitility.await("a BackOff event for the autoscaler container in " + ns)
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.client().v1().events().inNamespace(ns).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("BackOff");
                          assertThat(e.getMessage())
                              .startsWith("Back-off restarting failed container autoscaler in pod");
                        }));
    assertThat(
            env.client()
                .pods()
                .inNamespace(ns)
                .withName(head.getMetadata().getName())
                .inContainer("autoscaler")
                .getLog())
        .as("the autoscaler's log")
        .contains("Fatal Python error");
  }
}
