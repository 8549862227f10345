package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A long-running container process that is not a Ray node (a pod's sidecar): started with a given
 * environment, output appended to a log file, ended with everything it started. Dies with the JVM
 * ({@link JvmReaper}).
 */
@Internal
public final class ContainerProcess {

  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Process process;

  private ContainerProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code command} with exactly {@code env} (plus the reaper's mark) in {@code workingDir}
   * (null: the JVM's), stdout and stderr appended to {@code log}.
   */
  public static ContainerProcess start(
      List<String> command, Map<String, String> env, Path workingDir, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      if (workingDir != null) {
        builder.directory(workingDir.toFile());
      }
      builder.environment().clear();
      builder.environment().putAll(env);
      JvmReaper.mark(builder.environment());
      return new ContainerProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command + ": " + e.getMessage(), e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Completes with the exit code when the process ends. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGTERM to the process and its descendants, SIGKILL to what is left after a few seconds. */
  public void stop() {
    ProcessTree.terminateTree(process.toHandle(), GRACE);
  }
}
