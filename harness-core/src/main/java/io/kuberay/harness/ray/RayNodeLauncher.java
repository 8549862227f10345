package io.kuberay.harness.ray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>Leak safety: every node is recorded under {@code <cache dir>/ray-nodes/}; a JVM shutdown hook stops all nodes
 * still running, and {@link #create(RayRuntime)} first stops nodes recorded by JVMs that are no longer alive.
 */
public final class RayNodeLauncher {

  private static final Logger logger = LoggerFactory.getLogger(RayNodeLauncher.class);
  private static final int WORKER_PORTS = 100;
  /** Ray's unix socket paths must stay under 107 bytes; the session dir adds about 75. */
  private static final int MAX_TEMP_DIR_LENGTH = 30;
  private static final Set<RayNode> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Thread SHUTDOWN_HOOK = new Thread(RayNodeLauncher::stopAll, "ray-nodes-shutdown");
  private static volatile boolean hookInstalled;

  private final RayRuntime runtime;
  private final NodeRegistry registry;
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
      throw new IllegalStateException("Cannot start Ray nodes: " + runtime.unavailableReason().orElseThrow());
    }
    NodeRegistry registry = NodeRegistry.inCacheDir();
    registry.reclaimOrphans();
    return new RayNodeLauncher(runtime, registry, defaultTempRoot());
  }

  public RayRuntime runtime() {
    return runtime;
  }

  /** Starts {@code ray start --block} for the spec and returns at once; use {@link RayNode#awaitReady}. */
  public RayNode launch(RayNodeSpec spec) {
    Objects.requireNonNull(spec, "spec");
    installShutdownHook();
    String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String socketTag = "w" + nodeId.substring(0, 7);
    RayPorts ports = allocatePorts(spec);
    Path tempDir = spec.isHead() ? createTempDir(nodeId) : null;
    List<String> command = RayStartCommand.render(runtime, spec, ports, socketTag, tempDir);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.putAll(runtime.environment());
    env.putAll(spec.env());
    env.putAll(runtime.environment()); // the pod's PATH must not hide our ray
    env.put("RAY_ADDRESS", spec.isHead() ? RayStartCommand.NODE_IP + ":" + ports.gcs() : spec.headGcsAddress());
    env.put(NodeRegistry.MARKER_ENV, nodeId);
    try {
      Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
      if (tempDir != null) {
        builder.directory(tempDir.toFile());
      }
      Files.writeString(spec.logFile(), "[kuberay-harness] " + String.join(" ", redactShim(command)) + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process process = builder.start();
      process.getOutputStream().close();
      RayNode[] holder = new RayNode[1];
      RayNode node = new RayNode(spec, nodeId, process, ports, tempDir, registry, () -> RUNNING.remove(holder[0]));
      holder[0] = node;
      RUNNING.add(node);
      registry.record(nodeId, process.toHandle(), spec.name(), tempDir);
      logger.info("Started Ray {} node {} (pid {}, gcs {}, ports {})", spec.isHead() ? "head" : "worker",
          spec.name(), process.pid(), node.gcsAddress(), ports);
      return node;
    } catch (IOException e) {
      RayProvisioner.deleteTree(tempDir);
      throw new UncheckedIOException("Cannot start Ray node " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  /** Stops every node this JVM started and has not stopped yet. */
  public static void stopAll() {
    List<RayNode> nodes = new ArrayList<>(RUNNING);
    // workers first, so they do not spend the head's grace period reconnecting
    nodes.sort((a, b) -> Boolean.compare(a.isHead(), b.isHead()));
    nodes.parallelStream().forEach(RayNode::stop);
  }

  private static RayPorts allocatePorts(RayNodeSpec spec) {
    int gcs = spec.isHead() ? PortAllocator.freePort()
        : Integer.parseInt(spec.headGcsAddress().substring(spec.headGcsAddress().lastIndexOf(':') + 1));
    int dashboard = spec.isHead() ? PortAllocator.freePort() : 0;
    int client = spec.isHead() ? PortAllocator.freePort() : 0;
    int minWorker = PortAllocator.freeRange(WORKER_PORTS);
    return new RayPorts(gcs, dashboard, client, PortAllocator.freePort(), PortAllocator.freePort(),
        PortAllocator.freePort(), PortAllocator.freePort(), PortAllocator.freePort(), PortAllocator.freePort(),
        minWorker, minWorker + WORKER_PORTS - 1);
  }

  private Path createTempDir(String nodeId) {
    Path dir = tempRoot.resolve("krh-" + nodeId.substring(0, 8));
    if (dir.toString().length() > MAX_TEMP_DIR_LENGTH) {
      throw new IllegalStateException("Ray temp dir " + dir + " is longer than " + MAX_TEMP_DIR_LENGTH
          + " characters, so Ray's unix socket paths would exceed the 107-byte limit. Fix: make /tmp writable.");
    }
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Ray temp dir " + dir, e);
    }
  }

  private static Path defaultTempRoot() {
    Path tmp = Path.of("/tmp");
    if (Files.isDirectory(tmp) && Files.isWritable(tmp)) {
      return tmp;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static List<String> redactShim(List<String> command) {
    List<String> shown = new ArrayList<>(command);
    int shim = shown.indexOf("-c");
    if (shim >= 0 && shim + 1 < shown.size()) {
      shown.set(shim + 1, "<worker shim, see RayStartCommand>");
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
