package io.kuberay.harness.ray.process;

import io.kuberay.harness.ExecResult;
import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Builds the per-user Ray virtualenv once, safely across threads and JVMs.
 *
 * <p>Protocol: take an exclusive {@link FileLock} on {@code <dir>.lock}; if {@code <dir>/}{@value
 * #MARKER} exists, use it; otherwise build into {@code <dir>.tmp-<uuid>}, rewrite the
 * console-script shebangs to the final path, rename the temp dir atomically to {@code <dir>}, check
 * that its python imports ray, and write the marker last. A directory without a marker is a crashed
 * attempt and is rebuilt.
 */
final class RayProvisioner {

  static final String MARKER = ".kuberay-ready";

  /**
   * Ray's extras: the dashboard and job server, and Serve's proxy and HTTP stack (RayServices).
   * Part of the cache key.
   */
  static final String EXTRAS = "default,serve";

  /**
   * Written once the venv's modules are compiled; venvs provisioned before this existed are
   * compiled on their next use.
   */
  static final String BYTECODE_MARKER = ".kuberay-bytecode";

  private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Per venv directory: a JVM's threads wait here, JVMs on the file lock (which one JVM may hold
   * only once).
   */
  private static final Map<Path, Object> IN_JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path cacheDir;
  private final String rayVersion;

  /** A user image's packages, installed with Ray; part of the venv's name (by content). */
  private final Optional<Path> requirementsFile;

  RayProvisioner(Path cacheDir, String rayVersion) {
    this(cacheDir, rayVersion, Optional.empty());
  }

  RayProvisioner(Path cacheDir, String rayVersion, Optional<Path> requirementsFile) {
    this.cacheDir = cacheDir;
    this.rayVersion = rayVersion;
    this.requirementsFile = requirementsFile;
  }

  /** Validates an interpreter the user named; a misconfiguration fails loudly with the fix. */
  static RayRuntime fromExplicitPython(String python) {
    ExecResult r;
    try {
      r = probe(Path.of(python));
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(
          RayRuntime.PYTHON_PROPERTY
              + "/"
              + RayRuntime.PYTHON_ENV
              + " is '"
              + python
              + "', which cannot be run ("
              + e.getMessage()
              + "). Fix: point it at a python with ray["
              + EXTRAS
              + "]=="
              + RayRuntime.RAY_VERSION
              + ", or unset it to let the harness provision Ray into "
              + HarnessDirs.cacheDir()
              + ".",
          e);
    }
    if (!r.succeeded()) {
      throw new IllegalStateException(
          RayRuntime.PYTHON_PROPERTY
              + "/"
              + RayRuntime.PYTHON_ENV
              + " is '"
              + python
              + "', but it cannot import ray: "
              + lastLine(r.stderr())
              + ". Fix: run '"
              + python
              + " -m pip install \"ray["
              + EXTRAS
              + "]=="
              + RayRuntime.RAY_VERSION
              + "\"', or unset it to let the harness provision Ray itself.");
    }
    return fromProbe(Path.of(python), r);
  }

  /**
   * The interpreter {@link RayPythons} maps to {@code rayVersion}; unavailable, with the fix, when
   * it cannot run, does not import Ray, or has another Ray.
   */
  static RayRuntime fromMappedPython(String rayVersion, String python) {
    String setting = RayPythons.PROPERTY + " maps Ray " + rayVersion + " to '" + python + "'";
    ExecResult r;
    try {
      r = probe(Path.of(python));
    } catch (UncheckedIOException e) {
      return RayRuntime.unavailable(
          setting + ", which cannot be run (" + e.getMessage() + ").",
          "point it at a python with ray[" + EXTRAS + "]==" + rayVersion + ".");
    }
    if (!r.succeeded()) {
      return RayRuntime.unavailable(
          setting + ", which cannot import ray: " + lastLine(r.stderr()) + ".",
          "run '" + python + " -m pip install \"ray[" + EXTRAS + "]==" + rayVersion + "\"'.");
    }
    RayRuntime runtime = fromProbe(Path.of(python), r);
    if (!runtime.rayVersion().equals(rayVersion)) {
      return RayRuntime.unavailable(
          setting + ", which has Ray " + runtime.rayVersion() + ".",
          "map " + rayVersion + " to a python with ray[" + EXTRAS + "]==" + rayVersion + ".");
    }
    return runtime;
  }

  RayRuntime provision() {
    Path basePython = Path.of("python3");
    ExecResult pyVersion;
    try {
      pyVersion =
          LocalExec.of(
                  List.of("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"))
              .withTimeout(VERSION_CHECK_TIMEOUT)
              .run();
    } catch (UncheckedIOException e) {
      return RayRuntime.unavailable(
          "no python3 on PATH to provision Ray " + rayVersion + " with.",
          "install Python 3.9-3.12 (e.g. 'apt-get install python3 python3-venv'), or "
              + provideHint(rayVersion));
    }
    if (!pyVersion.succeeded()) {
      return RayRuntime.unavailable(
          "python3 does not run: " + lastLine(pyVersion.stderr()) + ".",
          "fix python3 on PATH or set -D" + RayRuntime.PYTHON_PROPERTY + ".");
    }
    Path dir;
    try {
      dir = cacheDir.resolve(venvName(pyVersion.stdout().trim()));
    } catch (IOException e) {
      return RayRuntime.unavailable(
          "the requirements file " + requirementsFile.orElseThrow() + " cannot be read: " + e + ".",
          "make it readable, or map the image without requirements.");
    }
    synchronized (IN_JVM_LOCKS.computeIfAbsent(dir, d -> new Object())) {
      try {
        Files.createDirectories(cacheDir);
        try (FileChannel channel =
                FileChannel.open(
                    dir.resolveSibling(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          if (!Files.exists(dir.resolve(MARKER))) {
            build(basePython, dir);
          }
          if (!Files.exists(dir.resolve(BYTECODE_MARKER))) {
            compileBytecode(dir);
          }
          ExecResult r = probe(dir.resolve("bin").resolve("python"));
          if (!r.succeeded()) {
            return RayRuntime.unavailable(
                "the provisioned Ray in " + dir + " does not import: " + lastLine(r.stderr()) + ".",
                "delete " + dir + " and run again.");
          }
          return fromProbe(dir.resolve("bin").resolve("python"), r);
        }
      } catch (ProvisioningFailed e) {
        return RayRuntime.unavailable(e.getMessage(), e.fix);
      } catch (IOException e) {
        return RayRuntime.unavailable(
            "cannot write the Ray cache " + dir + ": " + e.getMessage() + ".",
            "make it writable or set -D"
                + HarnessDirs.CACHE_DIR_PROPERTY
                + " to a writable directory.");
      }
    }
  }

  /**
   * Pins next to Ray, per version; each set was found by installing that version with Python 3.11
   * and running the tutorial flow (a head, {@code ray.init()} in an exec, a job through the
   * dashboard) and a Serve import.
   *
   * <ul>
   *   <li>protobuf 7 removed {@code FieldDescriptor.label}, which Serve reads when it deploys an
   *       application (every app DEPLOY_FAILED with an AttributeError); Ray itself asks only for
   *       {@code protobuf>=3.20.3}.
   *   <li>Before {@value #MODERN_RAY}: the dashboard calls {@code
   *       MessageToDict(including_default_value_fields=...)}, gone in protobuf 5.26 (the head never
   *       registers, jobs get "No available agent"), and imports {@code pkg_resources.packaging},
   *       gone from setuptools 70 on.
   * </ul>
   */
  static List<String> pins(String rayVersion) {
    return isBefore(rayVersion, MODERN_RAY)
        ? List.of("protobuf<5", "setuptools<70")
        : List.of("protobuf<7");
  }

  /** The oldest checked version that runs with today's protobuf 6 and without setuptools. */
  static final String MODERN_RAY = "2.34.0";

  /** What the installer installs: Ray with its extras, and the pins. */
  static List<String> requirements(String rayVersion) {
    List<String> all = new ArrayList<>();
    all.add("ray[" + EXTRAS + "]==" + rayVersion);
    all.addAll(pins(rayVersion));
    return all;
  }

  /** Compares dotted numeric versions; a part that is not a number compares as 0. */
  static boolean isBefore(String version, String other) {
    String[] a = version.split("\\.");
    String[] b = other.split("\\.");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int x = i < a.length ? number(a[i]) : 0;
      int y = i < b.length ? number(b[i]) : 0;
      if (x != y) {
        return x < y;
      }
    }
    return false;
  }

  private static int number(String part) {
    try {
      return Integer.parseInt(part);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * {@link #venvName(String, String)}, with a short hash of the requirements file's content when
   * there is one: an edited file gets a venv of its own.
   */
  String venvName(String pythonVersion) throws IOException {
    String base = venvName(rayVersion, pythonVersion);
    if (requirementsFile.isEmpty()) {
      return base;
    }
    String hash = shortHash(Files.readString(requirementsFile.get()));
    return base.replace("-py" + pythonVersion, "-req-" + hash + "-py" + pythonVersion);
  }

  /** What the installer installs into this venv: Ray, its pins, and the requirements file's. */
  List<String> installs() {
    List<String> all = new ArrayList<>(requirements(rayVersion));
    requirementsFile.ifPresent(f -> all.addAll(List.of("-r", f.toString())));
    return all;
  }

  static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The venv's directory name: what is installed in it (Ray version, extras, a short hash of all
   * requirements, so that a changed pin gets a new venv) and for which Python.
   */
  static String venvName(String rayVersion, String pythonVersion) {
    String hash = shortHash(String.join("\n", requirements(rayVersion)));
    return "ray-"
        + rayVersion
        + "-"
        + EXTRAS.replace(',', '-')
        + "-"
        + hash
        + "-py"
        + pythonVersion;
  }

  private void build(Path basePython, Path dir) throws IOException {
    Instant start = Instant.now();
    RayInstaller installer;
    try {
      installer = RayInstaller.choose(cacheDir, basePython);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ProvisioningFailed(e.getMessage(), "correct " + RayInstaller.PROPERTY + ".");
    }
    System.err.println(
        "[kuberay-harness] Provisioning Ray "
            + rayVersion
            + requirementsFile.map(f -> " with the requirements of " + f).orElse("")
            + " into "
            + dir
            + " with "
            + installer.name()
            + " (first use of this version)");
    deleteTree(dir); // a directory without marker is a crashed attempt
    Path tmp =
        dir.resolveSibling(
            dir.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      try {
        installer.createVenv(basePython, tmp);
      } catch (IOException e) {
        throw new ProvisioningFailed(
            "creating a virtualenv for Ray " + rayVersion + " failed: " + e.getMessage() + ".",
            "install the venv module (e.g. 'apt-get install python3-venv'), or "
                + provideHint(rayVersion));
      }
      RayInstaller.Outcome outcome = installer.install(tmp.resolve("bin/python"), installs());
      int exit = outcome.exitCode();
      if (exit != 0 && requirementsFile.isPresent()) {
        throw new ProvisioningFailed(
            "installing Ray "
                + rayVersion
                + " with the requirements file "
                + requirementsFile.get()
                + " failed ("
                + installer.name()
                + ", exit code "
                + exit
                + "): "
                + outcome.errors(),
            "correct the requirements file (each line a pip requirement installable for Python "
                + pythonVersion(basePython)
                + " next to ray["
                + EXTRAS
                + "]=="
                + rayVersion
                + "), and check that PyPI or your index (UV_INDEX_URL / PIP_INDEX_URL) is reachable.");
      }
      if (exit != 0) {
        throw new ProvisioningFailed(
            "installing ray["
                + EXTRAS
                + "]=="
                + rayVersion
                + " with "
                + installer.name()
                + " failed with exit code "
                + exit
                + " (output above): offline, or no such Ray release for Python "
                + pythonVersion(basePython)
                + ".",
            "check that the version exists and PyPI is reachable (or a mirror via UV_INDEX_URL / PIP_INDEX_URL), or "
                + provideHint(rayVersion));
      }
      rewriteShebangs(tmp.resolve("bin"), tmp, dir);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
      Files.writeString(
          dir.resolve(MARKER), "ray " + rayVersion + " provisioned " + Instant.now() + "\n");
      System.err.println(
          "[kuberay-harness] Ray "
              + rayVersion
              + " ready in "
              + Duration.between(start, Instant.now()).toSeconds()
              + " s ("
              + installer.name()
              + ")");
    } finally {
      deleteTree(tmp);
    }
  }

  /**
   * Compiles the venv's modules, in place at their final path (tracebacks name the real files). uv,
   * unlike pip, installs without bytecode, and where {@code PYTHONDONTWRITEBYTECODE} is set (as on
   * some CI machines) Python never writes it: every Ray process then compiled Ray's modules again
   * at each start, a raw {@code ray start} took 22 s instead of 9 s here. A failure costs only
   * speed, so it is logged and the venv used as it is.
   */
  static void compileBytecode(Path dir) {
    Instant start = Instant.now();
    ExecResult r =
        LocalExec.of(
                List.of(
                    dir.resolve("bin").resolve("python").toString(),
                    "-m",
                    "compileall",
                    "-q",
                    "-j",
                    "0",
                    dir.resolve("lib").toString()))
            .withTimeout(COMPILE_TIMEOUT)
            .run();
    if (!r.succeeded()) {
      // compileall exits 1 when a file does not compile (some packages ship Python 2 test data).
      System.err.println(
          "[kuberay-harness] compiling "
              + dir
              + " left some modules uncompiled: "
              + lastLine(r.stdout() + "\n" + r.stderr()));
    }
    try {
      Files.writeString(dir.resolve(BYTECODE_MARKER), "compiled " + Instant.now() + "\n");
    } catch (IOException e) {
      System.err.println("[kuberay-harness] cannot mark " + dir + " compiled: " + e.getMessage());
    }
    System.err.println(
        "[kuberay-harness] compiled "
            + dir.getFileName()
            + " in "
            + Duration.between(start, Instant.now()).toSeconds()
            + " s");
  }

  /** How to give the harness a Ray version it cannot install. */
  static String provideHint(String rayVersion) {
    return "map the version to a python that has it: -D"
        + RayPythons.PROPERTY
        + "="
        + rayVersion
        + "=/path/to/bin/python (that python needs ray["
        + EXTRAS
        + "]=="
        + rayVersion
        + ").";
  }

  private static String pythonVersion(Path basePython) {
    ExecResult r =
        LocalExec.of(
                List.of(
                    basePython.toString(),
                    "-c",
                    "import sys; print('%d.%d' % sys.version_info[:2])"))
            .withTimeout(VERSION_CHECK_TIMEOUT)
            .run();
    return r.succeeded() ? r.stdout().trim() : basePython.toString();
  }

  /**
   * A venv is not relocatable: console scripts carry the absolute interpreter path in their
   * shebang.
   */
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
          Files.writeString(
              f,
              text.replace(oldPrefix, "#!" + to).replace(from.toString(), to.toString()),
              StandardCharsets.ISO_8859_1);
        }
      }
    }
  }

  private static ExecResult probe(Path python) {
    return LocalExec.of(
            List.of(
                python.toString(),
                "-c",
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
    return RayInstaller.lastLine(text);
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
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
  static final class ProvisioningFailed extends IOException {
    private final String fix;

    ProvisioningFailed(String message, String fix) {
      super(message);
      this.fix = fix;
    }
  }
}
