package io.kuberay.harness.ray.process;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.Internal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a local command to completion and captures its output, the way an emulated pod runs {@code
 * exec}.
 *
 * <p>Immutable; every {@code withX} returns a copy. Example:
 *
 * <pre>{@code
 * ExecResult r = LocalExec.of(List.of("bash", "-c", "echo hi"))
 *     .withEnv(Map.of("RAY_ADDRESS", node.gcsAddress()))
 *     .withTimeout(Duration.ofMinutes(1))
 *     .run();
 * }</pre>
 *
 * <p>On timeout the whole process tree is killed and the result has exit code {@value
 * #TIMEOUT_EXIT_CODE} (as with coreutils {@code timeout}) and stderr ends with a line {@code
 * "[LocalExec] timed out after PT…, process tree killed"}.
 */
@Internal
public final class LocalExec {

  /** Exit code reported when the command was killed for exceeding its timeout. */
  public static final int TIMEOUT_EXIT_CODE = 124;

  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private final List<String> command;
  private final Map<String, String> env;
  private final boolean inheritEnv;
  private final Path workingDir;
  private final Duration timeout;

  private LocalExec(
      List<String> command,
      Map<String, String> env,
      boolean inheritEnv,
      Path workingDir,
      Duration timeout) {
    this.command = command;
    this.env = env;
    this.inheritEnv = inheritEnv;
    this.workingDir = workingDir;
    this.timeout = timeout;
  }

  /**
   * A command such as {@code List.of("bash", "-c", "…")}; by default inherits this JVM's
   * environment, no timeout.
   */
  public static LocalExec of(List<String> command) {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    return new LocalExec(List.copyOf(command), Map.of(), true, null, null);
  }

  /**
   * Variables set on top of the inherited environment (or the only ones, after {@link
   * #withoutInheritedEnv()}).
   */
  public LocalExec withEnv(Map<String, String> variables) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(Objects.requireNonNull(variables, "variables"));
    return new LocalExec(command, Map.copyOf(merged), inheritEnv, workingDir, timeout);
  }

  /** Starts from an empty environment instead of this JVM's. */
  public LocalExec withoutInheritedEnv() {
    return new LocalExec(command, env, false, workingDir, timeout);
  }

  public LocalExec inDirectory(Path directory) {
    return new LocalExec(
        command, env, inheritEnv, Objects.requireNonNull(directory, "directory"), timeout);
  }

  /**
   * Kills the process tree after this long; the result then has exit code {@value
   * #TIMEOUT_EXIT_CODE}.
   */
  public LocalExec withTimeout(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + limit);
    }
    return new LocalExec(command, env, inheritEnv, workingDir, limit);
  }

  /** Runs the command and waits for it; a non-zero exit is a result, not an exception. */
  public ExecResult run() {
    ProcessBuilder builder = builder();
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + command + ": " + e.getMessage(), e);
    }
    closeQuietly(process);
    Drain stdout = new Drain(process.getInputStream());
    Drain stderr = new Drain(process.getErrorStream());
    boolean timedOut = false;
    try {
      if (timeout == null) {
        process.waitFor();
      } else if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = true;
        ProcessTree.terminateTree(process.toHandle(), KILL_GRACE);
        process.waitFor();
      }
    } catch (InterruptedException e) {
      ProcessTree.terminateTree(process.toHandle(), KILL_GRACE);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String err = stderr.text();
    if (timedOut) {
      String note = "[LocalExec] timed out after " + timeout + ", process tree killed\n";
      return new ExecResult(
          stdout.text(),
          err.isEmpty() || err.endsWith("\n") ? err + note : err + "\n" + note,
          TIMEOUT_EXIT_CODE,
          took);
    }
    return new ExecResult(stdout.text(), err, process.exitValue(), took);
  }

  /**
   * Starts the command with its standard streams attached and returns at once, for a caller that
   * streams them (an interactive exec); no timeout applies, the caller ends it with {@link
   * Started#terminate()}.
   *
   * @param mergeStderr standard error goes to standard output's pipe, in the order written
   */
  public Started start(boolean mergeStderr) {
    ProcessBuilder builder = builder().redirectErrorStream(mergeStderr);
    try {
      return new Started(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + command + ": " + e.getMessage(), e);
    }
  }

  /** A command started by {@link #start(boolean)}. */
  public static final class Started {
    private final Process process;

    private Started(Process process) {
      this.process = process;
    }

    public OutputStream stdin() {
      return process.getOutputStream();
    }

    public InputStream stdout() {
      return process.getInputStream();
    }

    /** Empty when standard error was merged into standard output. */
    public InputStream stderr() {
      return process.getErrorStream();
    }

    /** The exit code; 128 + the signal when a signal ended the process. */
    public int waitFor() throws InterruptedException {
      return process.waitFor();
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    public long pid() {
      return process.pid();
    }

    /** Ends the process and everything it started: SIGTERM, then SIGKILL after a grace period. */
    public void terminate() {
      ProcessTree.terminateTree(process.toHandle(), KILL_GRACE);
    }
  }

  private ProcessBuilder builder() {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (!inheritEnv) {
      builder.environment().clear();
    }
    builder.environment().putAll(env);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    return builder;
  }

  @Override
  public String toString() {
    return "LocalExec" + command;
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // nothing to send anyway
    }
  }

  /**
   * Reads a stream on a daemon thread; the text is taken when the stream ends or, if a stray
   * grandchild keeps it open, after a bound.
   */
  private static final class Drain {
    private static final Duration AFTER_EXIT = Duration.ofSeconds(5);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Drain(InputStream in) {
      Thread reader =
          new Thread(
              () -> {
                byte[] chunk = new byte[8192];
                try (in) {
                  int n;
                  while ((n = in.read(chunk)) >= 0) {
                    buffer.write(chunk, 0, n);
                  }
                } catch (IOException e) {
                  // closed when the tree was killed: keep what was read
                }
                done.complete(null);
              },
              "local-exec-drain");
      reader.setDaemon(true);
      reader.start();
    }

    String text() {
      try {
        done.get(AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // a background grandchild still holds the pipe; return what we have
      }
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }
}
