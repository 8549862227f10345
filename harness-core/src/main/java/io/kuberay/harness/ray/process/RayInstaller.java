package io.kuberay.harness.ray.process;

import io.kuberay.harness.ExecResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates a virtualenv and installs packages into it: with {@code uv} when it can be had, else with
 * pip.
 *
 * <p>uv comes from PyPI like Ray does: {@code pip install uv} into {@code <cache dir>/uv/venv},
 * once per user (under a file lock). Its download cache, {@code <cache dir>/uv/cache} (or {@code
 * UV_CACHE_DIR}), is shared by every Ray version, so a second version downloads only the wheels the
 * first one did not have. Indexes: uv reads {@code UV_INDEX_URL}/{@code UV_EXTRA_INDEX_URL}, pip
 * {@code PIP_INDEX_URL}. {@value #PROPERTY} picks the installer: {@code auto} (uv, else pip, said
 * in the log), {@code uv} or {@code pip}.
 */
final class RayInstaller {

  static final String PROPERTY = "kuberay.ray.installer";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

  private final Path uv;
  private final Path uvCache;

  private RayInstaller(Path uv, Path uvCache) {
    this.uv = uv;
    this.uvCache = uvCache;
  }

  /**
   * The installer the setting asks for.
   *
   * @throws IllegalArgumentException naming the setting when its value is none of auto, uv, pip
   */
  static RayInstaller choose(Path cacheDir, Path basePython) {
    String wanted = HarnessDirs.setting(PROPERTY).orElse("auto").trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("pip")) {
      log("Installing with pip (" + PROPERTY + "=pip)");
      return new RayInstaller(null, null);
    }
    if (!wanted.equals("auto") && !wanted.equals("uv")) {
      throw new IllegalArgumentException(
          PROPERTY + " (or KUBERAY_RAY_INSTALLER) must be auto, uv or pip, was '" + wanted + "'");
    }
    Path uvCache =
        Path.of(
            System.getenv()
                .getOrDefault("UV_CACHE_DIR", cacheDir.resolve("uv").resolve("cache").toString()));
    try {
      return new RayInstaller(bootstrapUv(cacheDir, basePython), uvCache);
    } catch (IOException | UncheckedIOException e) {
      if (wanted.equals("uv")) {
        throw new IllegalStateException(
            PROPERTY
                + "=uv, but uv cannot be installed: "
                + e.getMessage()
                + ". Fix: make PyPI reachable for 'pip install uv', or set "
                + PROPERTY
                + "=pip.",
            e);
      }
      log(
          "uv is unavailable ("
              + e.getMessage()
              + "): installing with pip, which takes several times longer");
      return new RayInstaller(null, null);
    }
  }

  boolean usesUv() {
    return uv != null;
  }

  /** {@code uv}, or {@code pip}: for messages. */
  String name() {
    return usesUv() ? "uv" : "pip";
  }

  /**
   * A virtualenv at {@code dir} with pip in it (Ray's pip runtime envs and users' {@code pip
   * install} need it).
   */
  void createVenv(Path basePython, Path dir) throws IOException {
    List<String> command =
        usesUv()
            ? List.of(
                uv.toString(),
                "venv",
                "--quiet",
                "--seed",
                "--python",
                basePython.toString(),
                dir.toString())
            : List.of(basePython.toString(), "-m", "venv", dir.toString());
    ExecResult r = LocalExec.of(command).withEnv(uvEnv()).withTimeout(STEP_TIMEOUT).run();
    if (!r.succeeded()) {
      throw new IOException("'" + String.join(" ", command) + "' failed: " + lastLine(r.stderr()));
    }
  }

  /** How an install ended: its exit code and the lines that reported errors (for messages). */
  record Outcome(int exitCode, String errors) {}

  /**
   * Installs {@code requirements} into the venv of {@code python}, printing progress; the exit code
   * and error lines.
   */
  Outcome install(Path python, List<String> requirements) throws IOException {
    List<String> command = new ArrayList<>();
    if (usesUv()) {
      command.addAll(List.of(uv.toString(), "pip", "install", "--python", python.toString()));
    } else {
      command.addAll(
          List.of(
              python.toString(),
              "-m",
              "pip",
              "install",
              "--disable-pip-version-check",
              "--progress-bar",
              "off"));
    }
    command.addAll(requirements);
    return streamProgress(command, uvEnv());
  }

  private Map<String, String> uvEnv() {
    return usesUv() ? Map.of("UV_CACHE_DIR", uvCache.toString(), "UV_NO_PROGRESS", "1") : Map.of();
  }

  /**
   * uv in a venv of its own under the cache, installed by pip once; concurrent JVMs wait for the
   * first.
   */
  private static Path bootstrapUv(Path cacheDir, Path basePython) throws IOException {
    Path dir = cacheDir.resolve("uv").resolve("venv");
    Path uv = dir.resolve("bin").resolve("uv");
    Files.createDirectories(dir.getParent());
    try (FileChannel channel =
            FileChannel.open(
                cacheDir.resolve("uv").resolve("venv.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.exists(dir.resolve(RayProvisioner.MARKER)) && Files.isExecutable(uv)) {
        return uv;
      }
      log("Installing uv into " + dir + " (once)");
      RayProvisioner.deleteTree(dir);
      ExecResult venv =
          LocalExec.of(List.of(basePython.toString(), "-m", "venv", dir.toString()))
              .withTimeout(STEP_TIMEOUT)
              .run();
      if (!venv.succeeded()) {
        throw new IOException("'python3 -m venv' failed: " + lastLine(venv.stderr()));
      }
      ExecResult pip =
          LocalExec.of(
                  List.of(
                      dir.resolve("bin/python").toString(),
                      "-m",
                      "pip",
                      "install",
                      "--disable-pip-version-check",
                      "--quiet",
                      "uv"))
              .withTimeout(STEP_TIMEOUT)
              .run();
      if (!pip.succeeded() || !Files.isExecutable(uv)) {
        RayProvisioner.deleteTree(dir);
        throw new IOException(
            "'pip install uv' failed: " + lastLine(pip.stderr() + "\n" + pip.stdout()));
      }
      Files.writeString(dir.resolve(RayProvisioner.MARKER), "uv for the Ray runtimes\n");
      return uv;
    }
  }

  /**
   * Runs an install, echoing the lines that show progress (downloads, resolution, totals) and
   * errors.
   */
  private static Outcome streamProgress(List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Deque<String> errors = new ArrayDeque<>();
      while ((line = r.readLine()) != null) {
        if (showsProgress(line)) {
          log("  " + line.strip());
        }
        if (reportsError(line)) {
          errors.addLast(line.strip());
          if (errors.size() > 6) {
            errors.removeFirst();
          }
        }
      }
      if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(2));
        return new Outcome(
            LocalExec.TIMEOUT_EXIT_CODE, "timed out after " + INSTALL_TIMEOUT.toMinutes() + " min");
      }
      return new Outcome(
          p.exitValue(), errors.isEmpty() ? "(no error output)" : String.join(" ", errors));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(2));
      throw new IOException("interrupted while installing Ray", e);
    }
  }

  static boolean showsProgress(String line) {
    String l = line.strip();
    return (l.startsWith("Collecting") && !l.contains("(from"))
        || l.startsWith("Installing collected")
        || l.startsWith("Successfully")
        || l.startsWith("Resolved")
        || l.startsWith("Prepared")
        || l.startsWith("Installed")
        || l.startsWith("Downloading")
        || l.toLowerCase(Locale.ROOT).contains("error")
        || l.startsWith("×")
        || l.startsWith("╰─▶")
        || l.startsWith("cause:")
        || l.startsWith("hint:");
  }

  /**
   * pip's and uv's error lines: {@code ERROR: ...}, uv's {@code error: ...} and its {@code cause:},
   * {@code × ...}, {@code ╰─▶ ...} details.
   */
  static boolean reportsError(String line) {
    String l = line.strip();
    return l.startsWith("ERROR")
        || l.startsWith("error:")
        || l.startsWith("cause:")
        || l.startsWith("×")
        || l.startsWith("╰─▶")
        || l.startsWith("Because ")
        || l.startsWith("hint:");
  }

  static String lastLine(String text) {
    String[] lines = text.strip().split("\\R");
    return lines.length == 0 || lines[lines.length - 1].isBlank()
        ? "(no output)"
        : lines[lines.length - 1];
  }

  private static void log(String message) {
    System.err.println("[kuberay-harness] " + message);
  }
}
