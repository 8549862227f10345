package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the {@code ray start --block} command line for one node, the way KubeRay renders {@code
 * rayStartParams} ({@code "true"} → bare flag, {@code "false"} → dropped except for a few boolean
 * options, else {@code --k=v}, sorted), with every port, address and directory replaced by the
 * launcher's loopback choices.
 *
 * <p>Workers start through a tiny Python shim around Ray's own CLI entry point, for two reasons
 * verified on Ray 2.52:
 *
 * <ul>
 *   <li>Ray turns {@code 127.0.0.1} into the machine's outward IP unless {@code
 *       RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0}, but with that setting {@code ray start} refuses to
 *       start a worker node. The shim lifts the refusal in the {@code ray start} process only; its
 *       children keep the loopback setting.
 *   <li>Workers share the head's session dir ({@code --temp-dir} only works on the head), and a
 *       worker that starts before the head's raylet has created its sockets picks the same socket
 *       names and hence the head's cached ports. The shim gives the worker's raylet and plasma
 *       sockets a per-node suffix.
 *   <li>For the same reason every node's runtime env agent would build its pip/conda environments
 *       in the one {@code <session>/runtime_resources} directory, each deleting and cloning what
 *       the other is using (seen: a job's actor fails with {@code No module named
 *       'pydantic.v1.main'}). The shim gives the worker a directory of its own, as a separate
 *       machine has (checked in Ray 2.9 to 2.52: {@code RayParams} reads the default name at
 *       start).
 * </ul>
 */
@Internal
public final class LocalRayStartCommand {

  static final String NODE_IP = "127.0.0.1";

  /** Parameters the launcher owns; user values for them are ignored. */
  private static final Set<String> OVERRIDDEN =
      Set.of(
          "address",
          "block",
          "head",
          "node-ip-address",
          "port",
          "dashboard-host",
          "dashboard-port",
          "ray-client-server-port",
          "node-manager-port",
          "object-manager-port",
          "metrics-export-port",
          "dashboard-agent-listen-port",
          "dashboard-agent-grpc-port",
          "runtime-env-agent-port",
          "min-worker-port",
          "max-worker-port",
          "worker-port-list",
          "temp-dir",
          "object-store-memory",
          "disable-usage-stats");

  private static final String WORKER_SHIM =
      String.join(
          "\n",
          "import sys",
          "tag = sys.argv.pop(1)",
          "from ray._private import ray_constants, services, node",
          "ray_constants.ENABLE_RAY_CLUSTER = True",
          "services.resolve_ip_for_localhost = lambda host: host",
          "_prepare = node.Node._prepare_socket_file",
          "node.Node._prepare_socket_file = lambda self, socket_path, default_prefix: _prepare(self, socket_path, default_prefix + '_' + tag)",
          "ray_constants.DEFAULT_RUNTIME_ENV_DIR_NAME = 'runtime_resources_' + tag",
          "from ray.scripts.scripts import main",
          "sys.exit(main())");

  private LocalRayStartCommand() {}

  /**
   * A Python interpreter that imports Ray's CLI, then waits for one line of JSON on stdin and runs
   * {@code ray start} as it says: {@code argv} ({@code sys.argv}: the {@code ray} script, then
   * {@code start ...}), {@code env} (the whole environment, replacing the one it started with),
   * {@code cwd}, {@code log} (stdout and stderr from then on) and, for a worker, {@code socketTag}
   * (see the worker shim). End of input without a line makes it exit quietly.
   */
  static final String STANDBY =
      String.join(
          "\n",
          "import json, os, sys",
          "from ray.scripts.scripts import main",
          "from ray._private import ray_constants, services, node",
          "line = sys.stdin.readline()",
          "if not line:",
          "    sys.exit(0)",
          "go = json.loads(line)",
          "fd = os.open(os.devnull, os.O_RDONLY)",
          "os.dup2(fd, 0)",
          "os.close(fd)",
          "fd = os.open(go['log'], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)",
          "os.dup2(fd, 1)",
          "os.dup2(fd, 2)",
          "os.close(fd)",
          "os.environ.clear()",
          "os.environ.update(go['env'])",
          "os.chdir(go['cwd'])",
          "tag = go.get('socketTag')",
          "if tag:",
          "    ray_constants.ENABLE_RAY_CLUSTER = True",
          "    services.resolve_ip_for_localhost = lambda host: host",
          "    _prepare = node.Node._prepare_socket_file",
          "    node.Node._prepare_socket_file = lambda self, socket_path, default_prefix: _prepare(self, socket_path, default_prefix + '_' + tag)",
          "    ray_constants.DEFAULT_RUNTIME_ENV_DIR_NAME = 'runtime_resources_' + tag",
          "sys.argv = go['argv']",
          "sys.exit(main())");

  /**
   * @param socketTag short per-node suffix for a worker's socket files (ignored for a head)
   * @param tempDir the head's temp dir (ignored for a worker, which uses the head's)
   */
  static List<String> render(
      RayRuntime runtime, RayNodeSpec spec, RayPorts ports, String socketTag, Path tempDir) {
    List<String> cmd = new ArrayList<>();
    if (spec.isHead()) {
      cmd.add(runtime.binDir().resolve("ray").toString());
    } else {
      cmd.add(runtime.python().toString());
      cmd.add("-c");
      cmd.add(WORKER_SHIM);
      cmd.add(socketTag);
    }
    cmd.addAll(arguments(spec, ports, tempDir));
    return cmd;
  }

  /** The interpreter command of a standby (see {@link #STANDBY}). */
  static List<String> standby(RayRuntime runtime) {
    return List.of(runtime.python().toString(), "-c", STANDBY);
  }

  /** The arguments after {@code ray}: {@code start ...}. */
  static List<String> arguments(RayNodeSpec spec, RayPorts ports, Path tempDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add("start");
    if (spec.isHead()) {
      cmd.add("--head");
    } else {
      cmd.add("--address=" + spec.headGcsAddress());
    }
    cmd.add("--block");
    cmd.add("--node-ip-address=" + NODE_IP);
    if (spec.isHead()) {
      cmd.add("--port=" + ports.gcs());
      cmd.add("--dashboard-host=" + NODE_IP);
      cmd.add("--dashboard-port=" + ports.dashboard());
      cmd.add("--ray-client-server-port=" + ports.client());
      cmd.add("--temp-dir=" + tempDir);
    }
    cmd.add("--node-manager-port=" + ports.nodeManager());
    cmd.add("--object-manager-port=" + ports.objectManager());
    cmd.add("--metrics-export-port=" + ports.metricsExport());
    cmd.add("--dashboard-agent-listen-port=" + ports.dashboardAgentHttp());
    cmd.add("--dashboard-agent-grpc-port=" + ports.dashboardAgentGrpc());
    cmd.add("--runtime-env-agent-port=" + ports.runtimeEnvAgent());
    cmd.add("--min-worker-port=" + ports.minWorker());
    cmd.add("--max-worker-port=" + ports.maxWorker());
    cmd.add("--object-store-memory=" + spec.objectStoreMemory());
    cmd.add("--disable-usage-stats");
    for (Map.Entry<String, String> e : spec.rayStartParams().entrySet()) {
      String key = e.getKey();
      String value = e.getValue().trim();
      if (OVERRIDDEN.contains(key)) {
        continue;
      }
      RayStartParams.flag(key, value, RayStartParams.EXPLICIT_BOOLEAN_OPTIONS).ifPresent(cmd::add);
    }
    return cmd;
  }
}
