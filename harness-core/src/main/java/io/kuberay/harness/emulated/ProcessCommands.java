package io.kuberay.harness.emulated;

import io.kuberay.harness.ExecResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands as child processes. The environment is the pod's, over a minimal base (PATH, HOME, LANG),
 * so nothing of the JVM's own environment leaks into what a test asserts on.
 */
final class ProcessCommands implements LocalCommands {

  /** Exit code reported when the timeout killed the command, as coreutils' {@code timeout} does. */
  static final int TIMED_OUT = 124;

  private final List<Path> pathPrefix;
  private final Path workDir;

  ProcessCommands(List<Path> pathPrefix, Path workDir) {
    this.pathPrefix = pathPrefix;
    this.workDir = workDir;
  }

  @Override
  public ExecResult run(List<String> command, Map<String, String> env, Duration timeout) {
    long start = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> processEnv = builder.environment();
    String systemPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    processEnv.clear();
    StringBuilder path = new StringBuilder();
    pathPrefix.forEach(p -> path.append(p).append(':'));
    processEnv.put("PATH", path + systemPath);
    processEnv.put("HOME", System.getProperty("user.home"));
    processEnv.put("LANG", "C.UTF-8");
    processEnv.putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new ExecResult("", "exec: " + e.getMessage() + "\n", 127, elapsed(start));
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // stdin is not used
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return new ExecResult(
            get(out), get(err) + "command timed out after " + timeout + " and was killed\n", TIMED_OUT, elapsed(start));
      }
      return new ExecResult(get(out), get(err), process.exitValue(), elapsed(start));
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static String get(CompletableFuture<String> f) {
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
  }
}
