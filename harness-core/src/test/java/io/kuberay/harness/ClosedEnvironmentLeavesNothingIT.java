package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Closing an emulated environment ends its pods' processes at once (SIGKILL, as removing a k3s
 * node's container does), and none of the pods' restart loops starts them again: a few seconds
 * later no Ray process of the environment runs.
 */
class ClosedEnvironmentLeavesNothingIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: closing
      spec:
        headGroupSpec:
          rayStartParams:
            num-cpus: '1'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
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
      """;

  /** Long enough for a wrongly restarted head's `ray start` to have been launched. */
  private static final Duration AFTER_CLOSE = Duration.ofSeconds(5);

  @Test
  @DisplayName("close: no Ray process of the environment is left or started again afterwards")
  void closeLeavesNoRayProcessAndRestartsNone() {
    Set<Long> before = rayProcesses();
    KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    try {
      env.rayClusters().createFromYaml(CLUSTER).awaitReady(Duration.ofMinutes(6));
      assertThat(rayProcesses()).as("the cluster's Ray processes").hasSizeGreaterThan(4);
    } finally {
      env.close();
    }

    Awaitility.await("no Ray process of the closed environment")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(commands(rayProcesses(), before)).isEmpty());
    Awaitility.await("nothing started after the close")
        .pollDelay(AFTER_CLOSE)
        .atMost(AFTER_CLOSE.plusSeconds(5))
        .untilAsserted(() -> assertThat(commands(rayProcesses(), before)).isEmpty());
  }

  /** This JVM's descendants that run Ray (raylet, gcs_server, ray start, its Python workers). */
  private static Set<Long> rayProcesses() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(
            p -> {
              String line = p.info().commandLine().orElse("");
              return line.contains("raylet")
                  || line.contains("gcs_server")
                  || line.contains("ray start")
                  || line.contains("ray/_private")
                  || line.contains("ray/dashboard");
            })
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static List<String> commands(Set<Long> pids, Set<Long> before) {
    return pids.stream()
        .filter(p -> !before.contains(p))
        .map(
            p ->
                p + " " + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("(gone)"))
        .toList();
  }
}
