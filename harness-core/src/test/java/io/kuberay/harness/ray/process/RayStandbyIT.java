package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RayStandbyIT {

  @TempDir Path dir;

  @Test
  void fitsWhenOnlyVariablesRayReadsAfterStartUpDiffer() throws IOException {
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      Map<String, String> spawned =
          Map.of(
              "PATH", "/venv/bin", "RAY_USAGE_STATS_ENABLED", "0", NodeRegistry.MARKER_ENV, "abc");
      RayStandby standby =
          new RayStandby(
              "abc", sleeper, spawned, dir.resolve("out"), new NodeRegistry(dir), () -> {});

      Map<String, String> pod = new HashMap<>(spawned);
      pod.putAll(
          Map.of(
              "RAY_CLUSTER_NAME",
              "rc",
              "RAY_ADDRESS",
              "127.0.0.1:1234",
              "HOSTNAME",
              "rc-head-x",
              "KUBERAY_GEN_RAY_START_CMD",
              "ray start --head",
              "RAY_USAGE_STATS_KUBERAY_IN_USE",
              "1"));
      // What the kubelet gives every container: the in-cluster API address.
      pod.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
      pod.put("KUBERNETES_PORT_443_TCP", "tcp://127.0.0.1:6443");
      assertThat(standby.fits(pod)).isTrue();

      pod.put("RAY_BACKEND_LOG_LEVEL", "debug");
      assertThat(standby.fits(pod)).as("Ray reads RAY_* settings when it is imported").isFalse();

      Map<String, String> otherPath = new HashMap<>(spawned);
      otherPath.put("PATH", "/elsewhere");
      assertThat(standby.fits(otherPath)).isFalse();

      standby.take();
      assertThat(standby.fits(spawned)).as("taken").isFalse();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void unusedStandbyEndsWithoutATrace() throws Exception {
    RayRuntime runtime = RayRuntime.resolve();
    assumeThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    RayStandby standby = RayNodeLauncher.create(runtime).standby(Map.of());
    ProcessHandle process = standby.process().toHandle();

    standby.close();

    assertThat(ProcessTree.running(process)).isFalse();
    assertThat(standby.output()).doesNotExist();
    assertThat(NodeRegistry.inCacheDir().stateDir().resolve(standby.nodeId() + ".properties"))
        .doesNotExist();
  }

  @Test
  void standbyThatDoesNotFitIsClosedAndTheNodeStartsCold() throws Exception {
    RayRuntime runtime = RayRuntime.resolve();
    assumeThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    RayNodeLauncher launcher = RayNodeLauncher.create(runtime);
    RayStandby standby = launcher.standby(Map.of());
    RayNodeSpec spec =
        RayNodeSpec.head("standby-misfit")
            .rayStartParams(Map.of("num-cpus", "1"))
            .env(Map.of("RAY_BACKEND_LOG_LEVEL", "info"))
            .logFile(dir.resolve("head.log"))
            .build();
    assertThat(launcher.fits(standby, spec.env())).isFalse();

    RayNode node = launcher.launch(spec, standby);
    try {
      assertThat(node.pid()).isNotEqualTo(standby.process().pid());
      assertThat(ProcessTree.running(standby.process().toHandle())).isFalse();
      assertThat(Files.readString(dir.resolve("head.log")))
          .startsWith("[kuberay-harness] ")
          .contains(" start --head");
    } finally {
      node.stop();
    }
    assertThat(node.tempDir()).doesNotExist();
  }

  @Test
  void closingAStandbyThatIsStillImportingDoesNotWait() throws Exception {
    RayRuntime runtime = RayRuntime.resolve();
    assumeThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    RayStandby standby = RayNodeLauncher.create(runtime).standby(Map.of());
    long start = System.nanoTime();

    standby.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(standby.isAlive()).isFalse();
  }
}
