package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import io.kuberay.harness.ray.JobsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Ray nodes as local processes on loopback ports, for the emulated kubelet.
 *
 * <pre>{@code
 * RayNodeLauncher launcher = RayNodeLauncher.create(RayRuntime.resolve());
 * RayNode head = launcher.launch(RayNodeSpec.head("rc-head-x7k2p")
 *     .rayStartParams(Map.of("num-cpus", "1", "dashboard-host", "0.0.0.0", "block", "true"))
 *     .logFile(podLogDir.resolve("ray-head.log"))
 *     .build());
 * RayNode worker = launcher.launch(RayNodeSpec.worker("rc-workers-worker-abcde", head.gcsAddress())
 *     .rayStartParams(Map.of("num-cpus", "1")).logFile(podLogDir.resolve("ray-worker.log")).build());
 * head.awaitReady(Duration.ofSeconds(90));
 * }</pre>
 *
 * <p>Leak safety: every node is recorded under {@code <cache dir>/ray-nodes/}; a JVM shutdown hook
 * stops all nodes still running, and {@link #create(RayRuntime)} first stops nodes recorded by JVMs
 * that are no longer alive.
 */
@Internal
public final class RayNodeLauncher {

  private static final Logger logger = LoggerFactory.getLogger(RayNodeLauncher.class);
  private static final int WORKER_PORTS = 100;

  /** Ray's unix socket paths must stay under 107 bytes; the session dir adds about 75. */
  private static final int MAX_TEMP_DIR_LENGTH = 30;

  private static final Set<RayNode> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Set<RayStandby> STANDBYS = ConcurrentHashMap.newKeySet();
  private static final Thread SHUTDOWN_HOOK =
      new Thread(RayNodeLauncher::stopAll, "ray-nodes-shutdown");
  private static volatile boolean hookInstalled;

  private final RayRuntime runtime;
  private final NodeRegistry registry;

  /**
   * Ray temp dirs no registered node names are removed once this old: younger ones may be another
   * JVM's new node.
   */
  private static final Duration UNREFERENCED_MIN_AGE = Duration.ofHours(1);

  private final Path tempRoot;

  private RayNodeLauncher(RayRuntime runtime, NodeRegistry registry, Path tempRoot) {
    this.runtime = runtime;
    this.registry = registry;
    this.tempRoot = tempRoot;
  }

  /**
   * A launcher using the given runtime; stops nodes that killed JVMs left behind.
   *
   * @throws IllegalStateException if the runtime is unavailable, with its reason and fix
   */
  public static RayNodeLauncher create(RayRuntime runtime) {
    Objects.requireNonNull(runtime, "runtime");
    if (!runtime.isAvailable()) {
      throw new IllegalStateException(
          "Cannot start Ray nodes: " + runtime.unavailableReason().orElseThrow());
    }
    NodeRegistry registry = NodeRegistry.inCacheDir();
    registry.reclaimOrphans();
    Path tempRoot = defaultTempRoot();
    registry.removeUnreferenced(tempRoot, UNREFERENCED_MIN_AGE);
    return new RayNodeLauncher(runtime, registry, tempRoot);
  }

  public RayRuntime runtime() {
    return runtime;
  }

  /**
   * Starts {@code ray start --block} for the spec and returns at once; use {@link
   * RayNode#awaitReady}.
   */
  public RayNode launch(RayNodeSpec spec) {
    return launch(spec, null);
  }

  /**
   * Like {@link #launch(RayNodeSpec)}, in the standby's interpreter when it {@linkplain
   * RayStandby#fits fits} the node's environment: the same {@code ray start} command line,
   * environment, working directory and log, without the wait for Python to import Ray. Otherwise
   * the standby is closed and the node starts cold.
   *
   * @param standby a standby from {@link #standby(Map)}, or {@code null}
   */
  public RayNode launch(RayNodeSpec spec, RayStandby standby) {
    Objects.requireNonNull(spec, "spec");
    installShutdownHook();
    RayPorts ports = allocatePorts(spec);
    Map<String, String> env = environment(spec.env());
    env.put(
        "RAY_ADDRESS",
        spec.isHead() ? LocalRayStartCommand.NODE_IP + ":" + ports.gcs() : spec.headGcsAddress());
    String nodeId = standby != null ? standby.nodeId() : newNodeId();
    env.put(NodeRegistry.MARKER_ENV, nodeId);
    boolean warm = standby != null && standby.fits(env);
    if (standby != null && !warm) {
      logger.debug("Standby {} does not fit node {}: starting it cold", standby, spec.name());
      standby.close();
      nodeId = newNodeId();
      env.put(NodeRegistry.MARKER_ENV, nodeId);
    }
    String socketTag = "w" + nodeId.substring(0, 7);
    Path tempDir = spec.isHead() ? createTempDir(nodeId) : null;
    List<String> command = LocalRayStartCommand.render(runtime, spec, ports, socketTag, tempDir);
    try {
      Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
      Files.writeString(
          spec.logFile(),
          "[kuberay-harness] " + String.join(" ", redactShim(command)) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process process =
          warm
              ? release(standby, spec, ports, socketTag, tempDir, env)
              : start(command, env, spec, tempDir);
      RayNode[] holder = new RayNode[1];
      RayNode node =
          new RayNode(
              spec, nodeId, process, ports, tempDir, registry, () -> RUNNING.remove(holder[0]));
      holder[0] = node;
      RUNNING.add(node);
      registry.record(nodeId, process.toHandle(), spec.name(), tempDir);
      logger.info(
          "Started Ray {} node {} (pid {}, gcs {}, ports {}{})",
          spec.isHead() ? "head" : "worker",
          spec.name(),
          process.pid(),
          node.gcsAddress(),
          ports,
          warm ? ", warm" : "");
      return node;
    } catch (IOException e) {
      RayProvisioner.deleteTree(tempDir);
      throw new UncheckedIOException(
          "Cannot start Ray node " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts a Python interpreter that imports Ray's CLI and then waits to run one node's {@code ray
   * start}: pass it to {@link #launch(RayNodeSpec, RayStandby)}. {@code env} is the environment the
   * node will have (or most of it): only variables Ray reads after start-up may differ.
   */
  public RayStandby standby(Map<String, String> env) {
    return standby(env, null);
  }

  /**
   * Like {@link #standby(Map)}, started through {@code wrapper} (e.g. in a mount namespace of its
   * own, which the pod that takes it then fills); {@code null}: directly.
   */
  public RayStandby standby(Map<String, String> env, ProcessWrapper wrapper) {
    Objects.requireNonNull(env, "env");
    installShutdownHook();
    String nodeId = newNodeId();
    Map<String, String> full = environment(env);
    full.put(NodeRegistry.MARKER_ENV, nodeId);
    try {
      Path output = Files.createTempFile(tempRoot, "krh-standby-", ".log");
      JvmReaper.removeOnDeath(output);
      List<String> command = LocalRayStartCommand.standby(runtime);
      if (wrapper != null) {
        command = wrapper.wrap(command, Path.of("").toAbsolutePath());
      }
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().putAll(full);
      Process process = builder.start();
      registry.record(
          nodeId,
          process.toHandle(),
          "standby",
          output); // a later JVM removes what a killed one left
      RayStandby[] holder = new RayStandby[1];
      holder[0] =
          new RayStandby(nodeId, process, full, output, registry, () -> STANDBYS.remove(holder[0]));
      STANDBYS.add(holder[0]);
      return holder[0];
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start a Ray standby interpreter: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code standby} can start a node whose spec has the environment {@code env}: see {@link
   * #standby}.
   */
  public boolean fits(RayStandby standby, Map<String, String> env) {
    return standby.fits(nodeEnvironment(standby, env));
  }

  /**
   * What keeps {@code standby} from starting a node with the environment {@code env} (for logs).
   */
  public Set<String> misfits(RayStandby standby, Map<String, String> env) {
    return standby.differences(nodeEnvironment(standby, env));
  }

  private Map<String, String> nodeEnvironment(RayStandby standby, Map<String, String> env) {
    Map<String, String> full = environment(env);
    full.put(NodeRegistry.MARKER_ENV, standby.nodeId());
    return full;
  }

  /**
   * A node's environment: the JVM's, Ray's runtime settings, the pod's, and the runtime's PATH
   * again on top.
   */
  private Map<String, String> environment(Map<String, String> podEnv) {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.putAll(runtime.environment());
    env.putAll(podEnv);
    env.putAll(runtime.environment()); // the pod's PATH must not hide our ray
    JvmReaper.mark(env); // if this JVM dies, its reaper ends the node's processes
    return env;
  }

  private static Process start(
      List<String> command, Map<String, String> env, RayNodeSpec spec, Path tempDir)
      throws IOException {
    Path cwd =
        spec.workingDir() != null
            ? spec.workingDir()
            : tempDir != null ? tempDir : Path.of("").toAbsolutePath();
    List<String> actual = spec.wrapper() == null ? command : spec.wrapper().wrap(command, cwd);
    ProcessBuilder builder = new ProcessBuilder(actual).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
    if (spec.wrapper() == null) {
      builder.directory(cwd.toFile());
    }
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  /**
   * Lets the standby run the node's {@code ray start}, after what it printed so far (normally
   * nothing).
   */
  private Process release(
      RayStandby standby,
      RayNodeSpec spec,
      RayPorts ports,
      String socketTag,
      Path tempDir,
      Map<String, String> env)
      throws IOException {
    standby.take();
    byte[] before = Files.readAllBytes(standby.output());
    if (before.length > 0) {
      Files.write(spec.logFile(), before, StandardOpenOption.APPEND);
    }
    Files.deleteIfExists(standby.output());
    List<String> argv = new ArrayList<>();
    argv.add(runtime.binDir().resolve("ray").toString());
    argv.addAll(LocalRayStartCommand.arguments(spec, ports, tempDir));
    Map<String, Object> go = new LinkedHashMap<>();
    go.put("argv", argv);
    go.put("env", env);
    go.put(
        "cwd",
        (spec.workingDir() != null
                ? spec.workingDir()
                : tempDir != null ? tempDir : Path.of("").toAbsolutePath())
            .toString());
    go.put("log", spec.logFile().toAbsolutePath().toString());
    if (!spec.isHead()) {
      go.put("socketTag", socketTag);
    }
    Process process = standby.process();
    try (var out = process.getOutputStream()) {
      out.write((JobsJson.write(go) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return process;
  }

  private static String newNodeId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Stops every node this JVM started and has not stopped yet, and ends its unused standbys. */
  public static void stopAll() {
    new ArrayList<>(STANDBYS).forEach(RayStandby::close);
    List<RayNode> nodes = new ArrayList<>(RUNNING);
    // workers first, so they do not spend the head's grace period reconnecting
    nodes.sort((a, b) -> Boolean.compare(a.isHead(), b.isHead()));
    nodes.parallelStream().forEach(RayNode::stop);
  }

  private static RayPorts allocatePorts(RayNodeSpec spec) {
    int gcs =
        spec.isHead()
            ? (spec.gcsPort() > 0 ? spec.gcsPort() : PortAllocator.freePort())
            : Integer.parseInt(
                spec.headGcsAddress().substring(spec.headGcsAddress().lastIndexOf(':') + 1));
    int dashboard = spec.isHead() ? PortAllocator.freePort() : 0;
    int client = spec.isHead() ? PortAllocator.freePort() : 0;
    int minWorker = PortAllocator.freeRange(WORKER_PORTS);
    return new RayPorts(
        gcs,
        dashboard,
        client,
        PortAllocator.freePort(),
        PortAllocator.freePort(),
        PortAllocator.freePort(),
        PortAllocator.freePort(),
        PortAllocator.freePort(),
        PortAllocator.freePort(),
        minWorker,
        minWorker + WORKER_PORTS - 1);
  }

  private Path createTempDir(String nodeId) {
    Path dir = tempRoot.resolve("krh-" + nodeId.substring(0, 8));
    if (dir.toString().length() > MAX_TEMP_DIR_LENGTH) {
      throw new IllegalStateException(
          "Ray temp dir "
              + dir
              + " is longer than "
              + MAX_TEMP_DIR_LENGTH
              + " characters, so Ray's unix socket paths would exceed the 107-byte limit. Fix: make /tmp writable.");
    }
    try {
      Files.createDirectories(dir);
      JvmReaper.removeOnDeath(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Ray temp dir " + dir, e);
    }
  }

  /**
   * A short directory of the harness's own under /tmp (Ray's socket paths must stay short). A pod's
   * mount namespace may give /tmp a view of its own (a mount point such as the chart's {@code
   * /tmp/ray} that the host lacks); this directory exists before any pod starts, so it stays shared
   * there and the JVM and every pod see the same Ray temp dirs.
   */
  private static Path defaultTempRoot() {
    Path tmp = Path.of("/tmp");
    Path base =
        Files.isDirectory(tmp) && Files.isWritable(tmp)
            ? tmp
            : Path.of(System.getProperty("java.io.tmpdir"));
    Path own =
        base.resolve(
            "krh" + Integer.toHexString(System.getProperty("user.name", "").hashCode() & 0xfff));
    try {
      Files.createDirectories(own);
      return Files.isWritable(own) ? own : base;
    } catch (IOException e) {
      return base;
    }
  }

  private static List<String> redactShim(List<String> command) {
    List<String> shown = new ArrayList<>(command);
    int shim = shown.indexOf("-c");
    if (shim >= 0 && shim + 1 < shown.size()) {
      shown.set(shim + 1, "<worker shim, see LocalRayStartCommand>");
    }
    return shown;
  }

  private static synchronized void installShutdownHook() {
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(SHUTDOWN_HOOK);
      hookInstalled = true;
    }
  }
}
