package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Ray container that runs but never becomes ready (here a head without its dashboard, so
 * KubeRay's head probe, which asks the dashboard on 8265, never passes; under load Ray's dashboard
 * can also stay up without serving 8265, see docs/PARITY.md) is Running and not Ready, then killed
 * and restarted once its liveness probe has failed for good, with the kubelet's {@code Unhealthy}
 * and {@code Killing} events. It used to end the pod's runtime after a fixed wait, in a crash
 * back-off for ever.
 */
class UnhealthyStartupIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: unhealthy
      spec:
        headGroupSpec:
          rayStartParams:
            num-cpus: '1'
            include-dashboard: 'false'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                livenessProbe:
                  exec:
                    command: [bash, -c, 'wget -T 2 -q -O- http://localhost:8265/api/gcs_healthz']
                  initialDelaySeconds: 5
                  periodSeconds: 2
                  failureThreshold: 3
      """;

  @Test
  @DisplayName(
      "never ready: Running and not Ready, then Unhealthy and Killing, restarted after its liveness probe's 11 s")
  void aContainerThatNeverGetsReadyIsRestartedByItsLivenessProbe() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly()) {
      RayClusterHandle cluster = env.rayClusters().createFromYaml(CLUSTER);
      String head = PodStatusWaits.headPodName(cluster);
      Pod running =
          PodStatusWaits.firstContainer(
              env,
              head,
              "its container running",
              Duration.ofMinutes(2),
              c -> c.getState().getRunning() != null);
      assertThat(running.getStatus().getContainerStatuses().get(0).getReady()).isFalse();

      PodStatusWaits.firstContainer(
          env,
          head,
          "restartCount 1 after its liveness probe failed 3 times",
          Duration.ofMinutes(3),
          c -> c.getRestartCount() >= 1);
      List<String> events =
          env.client().v1().events().inNamespace("default").list().getItems().stream()
              .filter(e -> head.equals(e.getInvolvedObject().getName()))
              .map(e -> e.getReason() + ": " + e.getMessage())
              .toList();
      assertThat(events)
          .anySatisfy(e -> assertThat(e).startsWith("Unhealthy: Liveness probe failed: "))
          .contains("Killing: Container ray-head failed liveness probe, will be restarted");
      cluster.delete();
    }
  }
}
