package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoscalerContainerTest {

  /** Runs every scheduled restart at once, recording the back-off it was scheduled with. */
  private final List<Long> backOffs = new CopyOnWriteArrayList<>();

  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
          backOffs.add(unit.toSeconds(delay));
          return super.schedule(task, 0, unit);
        }
      };

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<AutoscalerContainer> current = new AtomicReference<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  private final PodRuntime.PodLifecycle lifecycle =
      new IgnoringLifecycle() {
        @Override
        public void sidecarExited(String container, int exitCode, Duration backOff) {
          calls.add(
              "exited "
                  + container
                  + " "
                  + exitCode
                  + (backOff == null ? "" : " back-off " + backOff.toSeconds() + "s"));
        }

        @Override
        public void warning(String reason, String message) {
          warnings.add(reason + ": " + message);
        }

        @Override
        public void sidecarRunning(String container, int restartCount) {
          // The process dies at once; a start reported after its death must still come first.
          current
              .get()
              .pid()
              .flatMap(ProcessHandle::of)
              .ifPresent(AutoscalerContainerTest::awaitEnd);
          calls.add("running " + container + " restarts " + restartCount);
        }
      };

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static Pod pod(String restartPolicy) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("head")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .endSpec()
        .build();
  }

  /** A container of a pod with {@code restartPolicy} whose process exits with {@code exitCode}. */
  private AutoscalerContainer container(
      Path dir, String restartPolicy, int exitCode, int restartCount) {
    AutoscalerContainer container =
        new AutoscalerContainer(
            pod(restartPolicy),
            List.of("sh", "-c", "exit " + exitCode),
            Map.of("PATH", System.getenv("PATH")),
            dir.resolve("autoscaler.log"),
            scheduler,
            lifecycle,
            restartCount);
    current.set(container);
    return container;
  }

  private static void awaitEnd(ProcessHandle process) {
    Awaitility.await("the exit of process " + process.pid())
        .atMost(Duration.ofSeconds(10))
        .until(() -> !process.isAlive());
  }

  @Test
  void aCrashingContainerReportsEachExitAndRestartWithTheKubeletsBackOff(@TempDir Path dir) {
    try (AutoscalerContainer container = container(dir, "Always", 3, 0)) {
      container.run();
      Awaitility.await("three exits of the autoscaler container")
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.stream().filter(c -> c.startsWith("exited")).count() >= 3);
    }
    assertThat(calls.subList(0, 6))
        .containsExactly(
            "running autoscaler restarts 0",
            "exited autoscaler 3 back-off 10s",
            "running autoscaler restarts 1",
            "exited autoscaler 3 back-off 20s",
            "running autoscaler restarts 2",
            "exited autoscaler 3 back-off 40s");
    assertThat(backOffs).startsWith(10L, 20L, 40L);
    assertThat(warnings.get(0))
        .startsWith(
            "BackOff: Back-off restarting failed container autoscaler in pod head_default(");
  }

  @Test
  void withRestartPolicyNeverItStaysExited(@TempDir Path dir) {
    try (AutoscalerContainer container = container(dir, "Never", 0, 0)) {
      container.run();
      Awaitility.await("the autoscaler container's exit")
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.size() == 2);
    }
    assertThat(calls).containsExactly("running autoscaler restarts 0", "exited autoscaler 0");
    assertThat(warnings).as("no restart, no back-off").isEmpty();
    assertThat(backOffs).isEmpty();
  }

  @Test
  void aContainerStartedAgainForARestartedHeadKeepsCounting(@TempDir Path dir) {
    try (AutoscalerContainer container = container(dir, "Always", 1, 4)) {
      container.run();
      Awaitility.await("the next restart")
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.contains("running autoscaler restarts 5"));
    }
    assertThat(calls.subList(0, 2))
        .containsExactly("running autoscaler restarts 4", "exited autoscaler 1 back-off 160s");
  }
}
