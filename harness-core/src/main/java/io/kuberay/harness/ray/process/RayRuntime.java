package io.kuberay.harness.ray.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A Python interpreter with {@code ray[default]} installed, or the reason there is none.
 *
 * <p>{@link #resolve(String)} uses, in order: the interpreter {@code kuberay.ray.pythons} maps the
 * version to; the one named by system property {@value #PYTHON_PROPERTY} or environment variable
 * {@value #PYTHON_ENV} (for the default version, {@value #RAY_VERSION}, or its own); else a
 * virtualenv with {@code ray[default,serve]==<version>} that the harness provisions on first use
 * under {@code <cache dir>/ray-<version>-...-py<X.Y>/} (cache dir: {@code kuberay.cache.dir},
 * {@code KUBERAY_CACHE_DIR}, default {@code ~/.cache/kuberay-harness}) and reuses afterwards. When
 * neither is possible the runtime is {@linkplain #isAvailable() unavailable}: the reason is printed
 * once to stderr and the caller decides (pods can still run commands that do not need Ray).
 */
public final class RayRuntime {

  /** The Ray version the harness provisions and tests against. */
  public static final String RAY_VERSION = "2.52.0";

  public static final String PYTHON_PROPERTY = "kuberay.python";
  public static final String PYTHON_ENV = "KUBERAY_PYTHON";

  /**
   * Answers per configuration; a future, so that provisioning one version never holds up another's
   * lookup.
   */
  private static final Map<String, CompletableFuture<RayRuntime>> RESOLVED =
      new ConcurrentHashMap<>();

  private final Path python;
  private final Path binDir;
  private final String rayVersion;
  private final String unavailableReason;
  private final String fix;

  private RayRuntime(
      Path python, Path binDir, String rayVersion, String unavailableReason, String fix) {
    this.python = python;
    this.binDir = binDir;
    this.rayVersion = rayVersion;
    this.unavailableReason = unavailableReason;
    this.fix = fix;
  }

  /**
   * Finds or provisions the default Ray version, {@value #RAY_VERSION}; remembered for the JVM (per
   * configuration).
   */
  public static RayRuntime resolve() {
    return resolve(RAY_VERSION);
  }

  /**
   * Finds or provisions Ray {@code rayVersion}, in this order: the python {@code
   * kuberay.ray.pythons} maps it to; the python of {@value #PYTHON_PROPERTY} when the version is
   * the default one or that python's own; a virtualenv the harness provisions on first use under
   * the cache dir. The answer, available or not, is remembered for the JVM (per configuration), so
   * a version that cannot be installed is tried once.
   */
  public static RayRuntime resolve(String rayVersion) {
    Objects.requireNonNull(rayVersion, "rayVersion");
    Optional<String> mapped = RayPythons.forVersion(rayVersion);
    if (mapped.isPresent()) {
      return remembered(
          "mapped:" + rayVersion + ":" + mapped.get(),
          k -> RayProvisioner.fromMappedPython(rayVersion, mapped.get()));
    }
    Optional<String> explicit = HarnessDirs.setting(PYTHON_PROPERTY);
    if (explicit.isPresent()) {
      RayRuntime given =
          remembered(
              "python:" + explicit.get(), k -> RayProvisioner.fromExplicitPython(explicit.get()));
      if (rayVersion.equals(RAY_VERSION) || given.rayVersion().equals(rayVersion)) {
        return given;
      }
    }
    Path cacheDir = HarnessDirs.cacheDir();
    return remembered(
        "cache:" + cacheDir + ":" + rayVersion,
        k -> new RayProvisioner(cacheDir, rayVersion).provision());
  }

  /**
   * Ray {@code rayVersion} with the packages of {@code requirementsFile} installed next to it (a
   * user image's); without a file, {@link #resolve(String)}. Always a virtualenv the harness
   * provisions under the cache dir, one per Ray version and file content (a python of {@code
   * kuberay.ray.pythons} or {@value #PYTHON_PROPERTY} is not changed), remembered for the JVM.
   */
  public static RayRuntime resolve(String rayVersion, Optional<Path> requirementsFile) {
    Objects.requireNonNull(requirementsFile, "requirementsFile");
    if (requirementsFile.isEmpty()) {
      return resolve(rayVersion);
    }
    Path cacheDir = HarnessDirs.cacheDir();
    Path file = requirementsFile.get();
    return remembered(
        "cache:" + cacheDir + ":" + rayVersion + ":requirements:" + file,
        k -> new RayProvisioner(cacheDir, rayVersion, Optional.of(file)).provision());
  }

  private static RayRuntime remembered(String key, Function<String, RayRuntime> compute) {
    CompletableFuture<RayRuntime> mine = new CompletableFuture<>();
    CompletableFuture<RayRuntime> earlier = RESOLVED.putIfAbsent(key, mine);
    if (earlier != null) {
      try {
        return earlier.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      RayRuntime runtime = compute.apply(key);
      mine.complete(runtime);
      return runtime;
    } catch (RuntimeException | Error e) {
      RESOLVED.remove(key, mine); // a misconfiguration is reported again on the next call
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** A runtime with a usable interpreter; {@code binDir} holds the {@code ray} script. */
  static RayRuntime available(Path python, Path binDir, String rayVersion) {
    return new RayRuntime(
        Objects.requireNonNull(python, "python"),
        Objects.requireNonNull(binDir, "binDir"),
        Objects.requireNonNull(rayVersion, "rayVersion"),
        null,
        null);
  }

  /**
   * A runtime that says why Ray cannot run here and how to fix it. The message is printed once to
   * stderr.
   */
  public static RayRuntime unavailable(String reason, String fix) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(fix, "fix");
    System.err.println(
        "[kuberay-harness] Ray is unavailable: "
            + reason
            + " Fix: "
            + fix
            + " Pods that do not run Ray still work.");
    return new RayRuntime(null, null, null, reason, fix);
  }

  public boolean isAvailable() {
    return python != null;
  }

  /** The interpreter that imports {@code ray}. */
  public Path python() {
    return require(python);
  }

  /** The directory with {@code python} and the {@code ray} CLI, to prepend to {@code PATH}. */
  public Path binDir() {
    return require(binDir);
  }

  public String rayVersion() {
    return require(rayVersion);
  }

  /** Why Ray is unavailable, with the fix; empty when available. */
  public Optional<String> unavailableReason() {
    return isAvailable() ? Optional.empty() : Optional.of(unavailableReason + " Fix: " + fix);
  }

  /**
   * Environment for Ray nodes and for every process that talks to them (drivers, {@code ray} CLI):
   * {@code PATH} with {@link #binDir()} first, usage stats off, and {@code
   * RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0}, which makes Ray resolve {@code 127.0.0.1} to the loopback
   * address instead of the machine's outward IP. Without the latter a driver given {@code
   * RAY_ADDRESS=127.0.0.1:<port>} dials the outward IP and never connects.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", binDir() + (path == null || path.isEmpty() ? "" : File.pathSeparator + path));
    env.put("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0");
    env.put("RAY_USAGE_STATS_ENABLED", "0");
    env.put("PYTHONUNBUFFERED", "1");
    // Ray's dashboard gives each of its module processes 30 s to start and fails for good after
    // that; on a
    // loaded test machine importing them takes longer (seen: MetricsHead at load 40 on 2 cores).
    env.put("RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT", "180");
    return env;
  }

  @Override
  public String toString() {
    return isAvailable()
        ? "RayRuntime[ray " + rayVersion + ", " + python + "]"
        : "RayRuntime[unavailable: " + unavailableReason + "]";
  }

  private <T> T require(T value) {
    if (value == null) {
      throw new IllegalStateException("Ray is unavailable: " + unavailableReason + " Fix: " + fix);
    }
    return value;
  }

  static boolean isExecutable(Path p) {
    return p != null && Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
