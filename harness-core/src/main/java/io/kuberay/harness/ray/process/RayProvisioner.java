package io.kuberay.harness.ray.process;

import io.kuberay.harness.ExecResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the per-user Ray virtualenv once, safely across threads and JVMs.
 *
 * <p>Protocol: take an exclusive {@link FileLock} on {@code <dir>.lock}; if {@code <dir>/}{@value #MARKER} exists, use
 * it; otherwise build into {@code <dir>.tmp-<uuid>}, rewrite the console-script shebangs to the final path, rename the
 * temp dir atomically to {@code <dir>}, check that its python imports ray, and write the marker last. A directory
 * without a marker is a crashed attempt and is rebuilt.
 */
final class RayProvisioner {

  static final String MARKER = ".kuberay-ready";
  /** Ray's extras: the dashboard and job server, and Serve's proxy and HTTP stack (RayServices). Part of the cache key. */
  static final String EXTRAS = "default,serve";
  private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
  private static final Object IN_JVM_LOCK = new Object();

  private final Path cacheDir;
  private final String rayVersion;

  RayProvisioner(Path cacheDir, String rayVersion) {
    this.cacheDir = cacheDir;
    this.rayVersion = rayVersion;
  }

  /** Validates an interpreter the user named; a misconfiguration fails loudly with the fix. */
  static RayRuntime fromExplicitPython(String python) {
    ExecResult r;
    try {
      r = probe(Path.of(python));
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(RayRuntime.PYTHON_PROPERTY + "/" + RayRuntime.PYTHON_ENV + " is '" + python
          + "', which cannot be run (" + e.getMessage() + "). Fix: point it at a python with ray[" + EXTRAS + "]=="
          + RayRuntime.RAY_VERSION + ", or unset it to let the harness provision Ray into "
          + HarnessDirs.cacheDir() + ".", e);
    }
    if (!r.succeeded()) {
      throw new IllegalStateException(RayRuntime.PYTHON_PROPERTY + "/" + RayRuntime.PYTHON_ENV + " is '" + python
          + "', but it cannot import ray: " + lastLine(r.stderr()) + ". Fix: run '" + python
          + " -m pip install \"ray[" + EXTRAS + "]==" + RayRuntime.RAY_VERSION
          + "\"', or unset it to let the harness provision Ray itself.");
    }
    return fromProbe(Path.of(python), r);
  }

  RayRuntime provision() {
    Path basePython = Path.of("python3");
    ExecResult pyVersion;
    try {
      pyVersion = LocalExec.of(List.of("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"))
          .withTimeout(VERSION_CHECK_TIMEOUT).run();
    } catch (UncheckedIOException e) {
      return RayRuntime.unavailable("no python3 on PATH to provision Ray " + rayVersion + " with.",
          "install Python 3.9-3.12 (e.g. 'apt-get install python3 python3-venv'), or set -D"
              + RayRuntime.PYTHON_PROPERTY + "=/path/to/python with ray[" + EXTRAS + "]==" + rayVersion + ".");
    }
    if (!pyVersion.succeeded()) {
      return RayRuntime.unavailable("python3 does not run: " + lastLine(pyVersion.stderr()) + ".",
          "fix python3 on PATH or set -D" + RayRuntime.PYTHON_PROPERTY + ".");
    }
    Path dir = cacheDir.resolve(venvName(rayVersion, pyVersion.stdout().trim()));
    synchronized (IN_JVM_LOCK) {
      try {
        Files.createDirectories(cacheDir);
        try (FileChannel channel = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          if (!Files.exists(dir.resolve(MARKER))) {
            build(basePython, dir);
          }
          ExecResult r = probe(dir.resolve("bin").resolve("python"));
          if (!r.succeeded()) {
            return RayRuntime.unavailable("the provisioned Ray in " + dir + " does not import: "
                + lastLine(r.stderr()) + ".", "delete " + dir + " and run again.");
          }
          return fromProbe(dir.resolve("bin").resolve("python"), r);
        }
      } catch (ProvisioningFailed e) {
        return RayRuntime.unavailable(e.getMessage(), e.fix);
      } catch (IOException e) {
        return RayRuntime.unavailable("cannot write the Ray cache " + dir + ": " + e.getMessage() + ".",
            "make it writable or set -D" + HarnessDirs.CACHE_DIR_PROPERTY + " to a writable directory.");
      }
    }
  }

  /**
   * Pins next to Ray. protobuf 7 removed {@code FieldDescriptor.label}, which Serve 2.52 reads when it deploys an
   * application (every app DEPLOY_FAILED with an AttributeError); Ray itself asks only for {@code protobuf>=3.20.3}.
   */
  static final List<String> PINS = List.of("protobuf<7");

  /** What pip installs: Ray with its extras, and the pins. */
  static List<String> requirements(String rayVersion) {
    List<String> all = new ArrayList<>();
    all.add("ray[" + EXTRAS + "]==" + rayVersion);
    all.addAll(PINS);
    return all;
  }

  /**
   * The venv's directory name: what is installed in it (Ray version, extras, a short hash of all requirements, so
   * that a changed pin gets a new venv) and for which Python.
   */
  static String venvName(String rayVersion, String pythonVersion) {
    String hash;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", requirements(rayVersion)).getBytes(StandardCharsets.UTF_8));
      hash = HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return "ray-" + rayVersion + "-" + EXTRAS.replace(',', '-') + "-" + hash + "-py" + pythonVersion;
  }

  private void build(Path basePython, Path dir) throws IOException {
    Instant start = Instant.now();
    System.err.println("[kuberay-harness] Provisioning Ray " + rayVersion + " into " + dir
        + " (first run only, ~30 s)");
    deleteTree(dir); // a directory without marker is a crashed attempt
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      ExecResult venv = LocalExec.of(List.of(basePython.toString(), "-m", "venv", tmp.toString()))
          .withTimeout(VERSION_CHECK_TIMEOUT).run();
      if (!venv.succeeded()) {
        throw new ProvisioningFailed("'python3 -m venv' failed: " + lastLine(venv.stderr()) + ".",
            "install the venv module (e.g. 'apt-get install python3-venv'), or set -D"
                + RayRuntime.PYTHON_PROPERTY + "=/path/to/python with ray[" + EXTRAS + "]==" + rayVersion + ".");
      }
      List<String> pip = new ArrayList<>(List.of(tmp.resolve("bin/python").toString(), "-m", "pip", "install",
          "--disable-pip-version-check", "--progress-bar", "off"));
      pip.addAll(requirements(rayVersion));
      int exit = streamToStderr(pip);
      if (exit != 0) {
        throw new ProvisioningFailed("'pip install ray[" + EXTRAS + "]==" + rayVersion + "' failed with exit code " + exit
            + " (output above).", "check that PyPI is reachable (or a pip index via PIP_INDEX_URL), or set -D"
            + RayRuntime.PYTHON_PROPERTY + "=/path/to/python with ray[" + EXTRAS + "]==" + rayVersion + ".");
      }
      rewriteShebangs(tmp.resolve("bin"), tmp, dir);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
      Files.writeString(dir.resolve(MARKER), "ray " + rayVersion + " provisioned " + Instant.now() + "\n");
      System.err.println("[kuberay-harness] Ray " + rayVersion + " ready in "
          + Duration.between(start, Instant.now()).toSeconds() + " s");
    } finally {
      deleteTree(tmp);
    }
  }

  /** A venv is not relocatable: console scripts carry the absolute interpreter path in their shebang. */
  private static void rewriteShebangs(Path bin, Path from, Path to) throws IOException {
    String oldPrefix = "#!" + from;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(bin)) {
      for (Path f : files) {
        if (Files.isSymbolicLink(f) || !Files.isRegularFile(f) || Files.size(f) > 1_000_000) {
          continue;
        }
        byte[] bytes = Files.readAllBytes(f);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.contains(from.toString())) {
          Files.writeString(f, text.replace(oldPrefix, "#!" + to).replace(from.toString(), to.toString()),
              StandardCharsets.ISO_8859_1);
        }
      }
    }
  }

  private static int streamToStderr(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if ((line.startsWith("Collecting") && !line.contains("(from")) || line.startsWith("Installing collected")
            || line.startsWith("Successfully")
            || line.contains("ERROR") || line.contains("error")) {
          System.err.println("[kuberay-harness]   " + line);
        }
      }
      if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(2));
        return LocalExec.TIMEOUT_EXIT_CODE;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessTree.terminateTree(p.toHandle(), Duration.ofSeconds(2));
      throw new IOException("interrupted while installing Ray", e);
    }
  }

  private static ExecResult probe(Path python) {
    return LocalExec.of(List.of(python.toString(), "-c",
            "import sysconfig, ray; print(ray.__version__); print(sysconfig.get_path('scripts'))"))
        .withTimeout(VERSION_CHECK_TIMEOUT)
        .run();
  }

  private static RayRuntime fromProbe(Path python, ExecResult r) {
    String[] lines = r.stdout().trim().split("\\R");
    Path bin = Path.of(lines[lines.length - 1].trim());
    if (!Files.isExecutable(bin.resolve("ray"))) {
      bin = python.toAbsolutePath().getParent();
    }
    return RayRuntime.available(python, bin, lines[0].trim());
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\\R");
    return lines.length == 0 || lines[lines.length - 1].isBlank() ? "(no output)" : lines[lines.length - 1];
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: sockets of a dying process may vanish under us
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }

  /** A provisioning step failed in a way the user can fix. */
  private static final class ProvisioningFailed extends IOException {
    private final String fix;

    ProvisioningFailed(String message, String fix) {
      super(message);
      this.fix = fix;
    }
  }
}
