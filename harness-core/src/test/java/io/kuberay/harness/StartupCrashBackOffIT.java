package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Ray container whose {@code ray start} exits before the node is up (here a {@code resources}
 * start param that is no JSON) is restarted by the emulated kubelet after a back-off, with its
 * restart count and a {@code BackOff} warning, as a real kubelet does: it used to stay in
 * CrashLoopBackOff with restart count 0 and no event.
 */
class StartupCrashBackOffIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: crashing
      spec:
        headGroupSpec:
          rayStartParams:
            num-cpus: '1'
            resources: '"not json"'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
      """;

  @Test
  @DisplayName(
      "ray start exiting before ready: CrashLoopBackOff, BackOff warning, restarted with restartCount 1")
  void startupCrashIsRestartedAfterABackOff() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly()) {
      RayClusterHandle cluster = env.rayClusters().createFromYaml(CLUSTER);
      String head = PodStatusWaits.headPodName(cluster);
      Pod restarted =
          PodStatusWaits.firstContainer(
              env,
              head,
              "restartCount 1 after the kubelet's 10 s back-off",
              Duration.ofMinutes(3),
              c -> c.getRestartCount() >= 1);
      assertThat(restarted.getStatus().getContainerStatuses().get(0).getLastState().getTerminated())
          .satisfies(t -> assertThat(t.getExitCode()).isNotZero());
      assertThat(
              env.client().v1().events().inNamespace("default").list().getItems().stream()
                  .filter(e -> head.equals(e.getInvolvedObject().getName()))
                  .filter(e -> "BackOff".equals(e.getReason()))
                  .map(Event::getMessage))
          .first()
          .asString()
          .startsWith("Back-off restarting failed container ray-head in pod " + head + "_default(");
      cluster.delete();
    }
  }
}
