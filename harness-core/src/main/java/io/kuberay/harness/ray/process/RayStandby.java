package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Python interpreter that has imported Ray's CLI and waits to become one node's {@code ray
 * start}: what a warm start costs is the import (about a second of CPU on Ray 2.52), paid before
 * the node is asked for. Get one from {@link RayNodeLauncher#standby(Map)}, hand it to {@link
 * RayNodeLauncher#launch(RayNodeSpec, RayStandby)}; close it if it is not used. Not thread-safe:
 * one owner at a time.
 */
@Internal
public final class RayStandby implements AutoCloseable {

  /**
   * Variables that Ray 2.52 reads only after start-up in the {@code ray start} process (checked in
   * its source), so a standby that started without them, or with other values, still behaves as a
   * fresh {@code ray start}: the environment KubeRay gives every Ray container, and the harness's
   * own. Any other difference means a cold start.
   */
  private static final Set<String> READ_AFTER_IMPORT =
      Set.of(
          "HOSTNAME",
          "RAY_ADDRESS",
          "RAY_PORT",
          "RAY_IP",
          "FQ_RAY_IP",
          "RAY_CLUSTER_NAME",
          "RAY_CLUSTER_NAMESPACE",
          "RAY_CLOUD_INSTANCE_ID",
          "RAY_NODE_TYPE_NAME",
          "RAY_USAGE_STATS_KUBERAY_IN_USE",
          "RAY_USAGE_STATS_EXTRA_TAGS",
          "RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE",
          "KUBERAY_GEN_RAY_START_CMD",
          "REDIS_PASSWORD",
          NodeRegistry.MARKER_ENV);

  /**
   * The in-cluster API address the kubelet gives every container ({@code KUBERNETES_SERVICE_HOST},
   * {@code KUBERNETES_PORT_443_TCP}...): Ray reads it only in modules a standby does not import
   * (the autoscaler's node provider, the dashboard agent's reporter, both separate processes) or
   * inside functions. Without this every pod of an emulated cluster started cold.
   */
  private static final String IN_CLUSTER_PREFIX = "KUBERNETES_";

  private final String nodeId;
  private final Process process;
  private final Map<String, String> env;
  private final Path output;
  private final NodeRegistry registry;
  private final Runnable onDone;
  private volatile boolean taken;

  RayStandby(
      String nodeId,
      Process process,
      Map<String, String> env,
      Path output,
      NodeRegistry registry,
      Runnable onDone) {
    this.nodeId = nodeId;
    this.process = process;
    this.env = Map.copyOf(env);
    this.output = output;
    this.registry = registry;
    this.onDone = onDone;
  }

  String nodeId() {
    return nodeId;
  }

  Process process() {
    return process;
  }

  /** What the interpreter printed so far (normally nothing). */
  Path output() {
    return output;
  }

  /** Whether this standby can start a node with exactly the environment {@code target}. */
  boolean fits(Map<String, String> target) {
    return !taken && process.isAlive() && differences(target).isEmpty();
  }

  /** The variables whose difference from {@code target} rules this standby out (for logs). */
  Set<String> differences(Map<String, String> target) {
    Set<String> names = new TreeSet<>(env.keySet());
    names.addAll(target.keySet());
    names.removeIf(
        n ->
            READ_AFTER_IMPORT.contains(n)
                || n.startsWith(IN_CLUSTER_PREFIX)
                || Objects.equals(env.get(n), target.get(n)));
    return names;
  }

  /** Marks the standby as used by a node, which owns its process from now on. */
  synchronized void take() {
    taken = true;
    onDone.run();
  }

  /** The interpreter's process id (its mount namespace is the one a pod that takes it runs in). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return !taken && process.isAlive();
  }

  /** Ends the interpreter unless a node took it; idempotent, and safe on an interrupted thread. */
  @Override
  public void close() {
    synchronized (this) {
      if (taken) {
        return;
      }
      taken = true;
    }
    onDone.run();
    try {
      // End of input makes the interpreter exit by itself; the signal covers an import still
      // running.
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    process.destroy();
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      // best effort
    }
    try {
      ProcessTree.terminateTree(process.toHandle(), Duration.ofSeconds(2));
      registry.forget(nodeId);
    } catch (RuntimeException e) {
      // interrupted while waiting: the registry entry lets a later launcher make sure it is gone
    }
  }

  @Override
  public String toString() {
    return "RayStandby[pid "
        + process.pid()
        + (taken ? ", taken" : process.isAlive() ? "" : ", exited")
        + "]";
  }
}
