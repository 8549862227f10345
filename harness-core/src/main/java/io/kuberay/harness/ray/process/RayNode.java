package io.kuberay.harness.ray.process;

import static org.awaitility.Awaitility.await;

import io.kuberay.harness.Internal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.slf4j.LoggerFactory;

/**
 * One running Ray node ({@code ray start --block} and everything it started), on loopback ports of
 * its own.
 *
 * <p>Readiness follows KubeRay's injected probes: the raylet health check {@code
 * /api/local_raylet_healthz} on the dashboard agent port, and on the head also {@code
 * /api/gcs_healthz} on the dashboard port (both answer {@code success} on Ray 2.52). {@link
 * #stop()} ends the whole process tree, never with {@code ray stop}.
 */
@Internal
public final class RayNode implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(50);

  private final RayNodeSpec spec;
  private final String nodeId;
  private final Process process;
  private final RayPorts ports;
  private final Path tempDir;
  private final NodeRegistry registry;
  private final Runnable onStopped;
  private final Object stopLock = new Object();
  private volatile boolean stopped;

  RayNode(
      RayNodeSpec spec,
      String nodeId,
      Process process,
      RayPorts ports,
      Path tempDir,
      NodeRegistry registry,
      Runnable onStopped) {
    this.spec = spec;
    this.nodeId = nodeId;
    this.process = process;
    this.ports = ports;
    this.tempDir = tempDir;
    this.registry = registry;
    this.onStopped = onStopped;
  }

  public String name() {
    return spec.name();
  }

  public boolean isHead() {
    return spec.isHead();
  }

  public RayNodeSpec spec() {
    return spec;
  }

  public RayPorts ports() {
    return ports;
  }

  /** The pid of the {@code ray start} process at the root of the node's tree. */
  public long pid() {
    return process.pid();
  }

  /**
   * The GCS address to join or connect to: {@code 127.0.0.1:<gcs port>} (the head's, on a worker).
   */
  public String gcsAddress() {
    return spec.isHead() ? LocalRayStartCommand.NODE_IP + ":" + ports.gcs() : spec.headGcsAddress();
  }

  /** The dashboard / Jobs API base URL, e.g. {@code http://127.0.0.1:41002}; head only. */
  public URI dashboardUrl() {
    if (!spec.isHead()) {
      throw new IllegalStateException(
          "Ray node "
              + name()
              + " is a worker; the dashboard runs on the head. Use the"
              + " head's RayNode.dashboardUrl().");
    }
    return URI.create("http://" + LocalRayStartCommand.NODE_IP + ":" + ports.dashboard());
  }

  /**
   * The session root of the cluster: the head's {@code --temp-dir}; {@code null} on a worker (it
   * uses the head's).
   */
  public Path tempDir() {
    return tempDir;
  }

  public Path logFile() {
    return spec.logFile();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code of {@code ray start} once it has ended. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** One probe round, as a kubelet readiness probe would do it. */
  public boolean isReady() {
    return process.isAlive() && probe().values().stream().allMatch("success"::equals);
  }

  /**
   * Waits until the node passes its readiness checks.
   *
   * @throws IllegalStateException naming the node, the checks, what they last returned and the log
   *     tail, when the node exits or the timeout passes
   */
  public RayNode awaitReady(Duration timeout) {
    AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
    try {
      await("Ray node " + name() + " ready")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL)
          .failFast("ray start exited", () -> !process.isAlive())
          .until(
              () -> {
                // Raylet first, and no further than the first probe that fails: the head's raylet
                // starts only once its
                // dashboard is up, so the dashboard gets no requests while it starts.
                Map<String, String> seen = new LinkedHashMap<>();
                for (Map.Entry<String, URI> e : probeUrls().entrySet()) {
                  String answer = HealthProbe.check(e.getValue());
                  seen.put(e.getKey(), answer);
                  if (!answer.equals("success")) {
                    break;
                  }
                }
                last.set(seen);
                return seen.size() == probeUrls().size()
                    && seen.values().stream().allMatch("success"::equals);
              });
      return this;
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      String why =
          process.isAlive()
              ? "was not ready within " + timeout
              : "exited with code " + process.exitValue() + " before it was ready";
      if (process.isAlive()) {
        last.set(probe());
      }
      throw new IllegalStateException(
          "Ray "
              + (isHead() ? "head" : "worker")
              + " node "
              + name()
              + " "
              + why
              + ". Expected 'success' from "
              + String.join(" and ", probeUrls().values().stream().map(URI::toString).toList())
              + "; last seen "
              + last.get()
              + ". Last lines of "
              + logFile()
              + ":\n"
              + tail(logFile(), 25),
          e);
    }
  }

  /**
   * Ends the node: SIGTERM to {@code ray start} and all its descendants (raylet, gcs_server,
   * dashboard, agents, workers), SIGKILL after a grace period, then a sweep for any re-parented
   * process carrying this node's marker. Idempotent, bounded (about 20 s at worst).
   */
  public void stop() {
    synchronized (stopLock) {
      if (stopped) {
        return;
      }
      Set<ProcessHandle> tree = ProcessTree.snapshot(process.toHandle());
      tree.addAll(NodeRegistry.markedProcesses(nodeId));
      List<ProcessHandle> left = ProcessTree.terminate(tree, STOP_GRACE);
      List<ProcessHandle> stray = NodeRegistry.markedProcesses(nodeId);
      if (!stray.isEmpty()) {
        left = ProcessTree.terminate(Set.copyOf(stray), Duration.ofSeconds(2));
      }
      if (!left.isEmpty()) {
        LoggerFactory.getLogger(RayNode.class)
            .warn(
                "Ray node {}: processes survived SIGKILL: {}", name(), ProcessTree.describe(left));
      }
      if (tempDir != null) {
        RayProvisioner.deleteTree(tempDir);
      }
      registry.forget(nodeId);
      stopped = true;
      onStopped.run();
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "RayNode["
        + (isHead() ? "head " : "worker ")
        + name()
        + ", pid "
        + pid()
        + ", gcs "
        + gcsAddress()
        + "]";
  }

  private Map<String, URI> probeUrls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    urls.put(
        "raylet",
        URI.create(
            "http://"
                + LocalRayStartCommand.NODE_IP
                + ":"
                + ports.dashboardAgentHttp()
                + "/api/local_raylet_healthz"));
    if (isHead()) {
      urls.put(
          "gcs",
          URI.create(
              "http://"
                  + LocalRayStartCommand.NODE_IP
                  + ":"
                  + ports.dashboard()
                  + "/api/gcs_healthz"));
    }
    return urls;
  }

  private Map<String, String> probe() {
    Map<String, String> seen = new LinkedHashMap<>();
    probeUrls().forEach((k, url) -> seen.put(k, HealthProbe.check(url)));
    return seen;
  }

  /** The last {@code lines} lines of a log file, read from its end. */
  static String tail(Path file, int lines) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 16_384);
      byte[] buf = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(buf);
      String[] all = new String(buf, StandardCharsets.UTF_8).split("\\R");
      return String.join(
          "\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
