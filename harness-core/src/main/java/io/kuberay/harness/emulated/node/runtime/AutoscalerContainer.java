package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.node.sandbox.ContainerEnv;
import io.kuberay.harness.emulated.node.sandbox.PodEnvironment;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.ray.process.ContainerProcess;
import io.kuberay.harness.ray.process.PortAllocator;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head pod's {@code autoscaler} container as a process of the pod: its command and args as the
 * operator wrote them ({@code ray kuberay-autoscaler ...}), run by Ray's own CLI from the pod's Ray
 * runtime, in the container's mount namespace (its service-account token and CA at {@code
 * /var/run/secrets/kubernetes.io/serviceaccount}) with the container's environment ({@code
 * KUBERNETES_SERVICE_*} included). So the scaling decisions are Ray's.
 *
 * <p>One shim (see {@link #SHIM}): Ray's autoscaler dials the head's GCS at {@code <pod IP>:6379},
 * fixed in its code; the emulated head listens on a loopback port of its own, which the shim puts
 * in place of port 6379: through {@code build_address} where Ray has it (2.5x), else (Ray 2.9 to
 * 2.46 write {@code f"{head_ip}:6379"} in place) where that address is used: the {@code ray
 * health-check} call, {@code GcsClient} and {@code Monitor}. And Ray 2.9 dials the API server at
 * {@code https://kubernetes.default:443}, which cluster DNS resolves and the emulated node does
 * not: the shim puts the {@code KUBERNETES_SERVICE_*} address the container has in its place, as
 * later Rays read it themselves. The container restarts as the pod's restartPolicy says, after the
 * kubelet's crash back-off (10 s, doubling), and its status is its own: restarts, CrashLoopBackOff
 * and the pod not Ready while it waits.
 */
final class AutoscalerContainer implements AutoCloseable {

  static final String NAME = "autoscaler";

  /** Where the shim finds the head's GCS; removed from the environment before Ray runs. */
  static final String HEAD_GCS_ENV = "KUBERAY_HARNESS_HEAD_GCS";

  private static final String METRICS_PORT_ENV = "AUTOSCALER_METRIC_PORT";
  private static final Logger logger = LoggerFactory.getLogger(AutoscalerContainer.class);

  /**
   * A {@code ray} executable that is Ray's CLI, with the GCS port of {@code kuberay-autoscaler}
   * mapped (see above).
   */
  static final String SHIM =
      String.join(
          "\n",
          "import os, sys",
          "gcs = os.environ.pop('" + HEAD_GCS_ENV + "', '')",
          "if gcs and sys.argv[1:2] == ['kuberay-autoscaler']:",
          "    from ray.autoscaler._private.kuberay import run_autoscaler as ra",
          "    if hasattr(ra, 'build_address'):",
          "        _build = ra.build_address",
          "        ra.build_address = lambda host, port: gcs if str(port) == '6379' else _build(host, port)",
          "    else:",
          "        import subprocess as _sp",
          "        _gcs = lambda a: gcs if isinstance(a, str) and a.endswith(':6379') else a",
          "        class _Subprocess:",
          "            def __getattr__(self, name):",
          "                return getattr(_sp, name)",
          "            def check_call(self, args, *a, **k):",
          "                return _sp.check_call([_gcs(x) for x in args], *a, **k)",
          "        ra.subprocess = _Subprocess()",
          "        _monitor = ra.Monitor",
          "        ra.Monitor = lambda *a, **k: _monitor(*a, **{n: _gcs(v) if n == 'address' else v for n, v in k.items()})",
          "        if hasattr(ra, 'GcsClient'):",
          "            _client = ra.GcsClient",
          "            ra.GcsClient = lambda address, *a, **k: _client(_gcs(address), *a, **k)",
          "    from ray.autoscaler._private.kuberay import node_provider as nodes",
          "    if not hasattr(nodes, 'KUBERNETES_HOST'):",
          "        api = 'https://%s:%s' % (os.environ.get('KUBERNETES_SERVICE_HOST'), os.environ.get('KUBERNETES_SERVICE_PORT_HTTPS'))",
          "        _url = nodes.url_from_resource",
          "        nodes.url_from_resource = lambda *a, **k: _url(*a, **k).replace('https://kubernetes.default:443', api, 1)",
          "from ray.scripts.scripts import main",
          "sys.exit(main())",
          "");

  private final Pod pod;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final ScheduledExecutorService scheduler;
  private final PodRuntime.PodLifecycle lifecycle;
  private final boolean restarts;
  private ContainerProcess process; // guarded by this
  private boolean closed; // guarded by this
  private int restartCount; // guarded by this

  /** A container that runs {@code command} (already wrapped for the pod's mount namespace). */
  AutoscalerContainer(
      Pod pod,
      List<String> command,
      Map<String, String> env,
      Path log,
      ScheduledExecutorService scheduler,
      PodRuntime.PodLifecycle lifecycle,
      int restartCount) {
    this.pod = pod;
    this.command = command;
    this.env = env;
    this.log = log;
    this.scheduler = scheduler;
    this.lifecycle = lifecycle;
    this.restarts = !"Never".equals(pod.getSpec().getRestartPolicy());
    this.restartCount = restartCount;
  }

  static boolean present(Pod pod) {
    return PodEnvironment.container(pod, NAME) != null
        && pod.getSpec().getContainers().indexOf(PodEnvironment.container(pod, NAME)) > 0;
  }

  /** Writes the {@code ray} shim into {@code binDir} (once per runtime). */
  static Path writeShim(RayRuntime runtime, Path binDir) {
    try {
      Files.createDirectories(binDir);
      Path ray = binDir.resolve("ray");
      Files.writeString(ray, "#!" + runtime.python() + "\n" + SHIM);
      Files.setPosixFilePermissions(ray, PosixFilePermissions.fromString("rwxr-xr-x"));
      return binDir;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the autoscaler's ray shim in " + binDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The container of {@code pod} (a head with an {@code autoscaler} container) against the head's
   * GCS at {@code headGcs} ({@code 127.0.0.1:<port>}), not yet {@linkplain #run() run}.
   *
   * @param restartCount the restarts of the container so far (it is started again when the head's
   *     container restarts)
   */
  static AutoscalerContainer create(
      Pod pod,
      PodFilesystems files,
      RayRuntime runtime,
      Path shimDir,
      String headGcs,
      Path log,
      ScheduledExecutorService scheduler,
      PodRuntime.PodLifecycle lifecycle,
      int restartCount) {
    Container c = PodEnvironment.container(pod, NAME);
    Map<String, String> containerEnv = PodProcesses.execEnvironment(files, pod, NAME);
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.putAll(runtime.environment());
    env.putAll(containerEnv);
    env.putAll(runtime.environment()); // the image's PATH: the pod's Ray runtime
    env.put("PATH", shimDir + File.pathSeparator + env.get("PATH"));
    env.put(HEAD_GCS_ENV, headGcs);
    if (!containerEnv.containsKey(METRICS_PORT_ENV)) {
      // Its metrics server's fixed port (44217) is the pod's own in a cluster; here pods share the
      // loopback.
      env.put(METRICS_PORT_ENV, Integer.toString(PortAllocator.freePort()));
    }
    List<String> command = new ArrayList<>();
    // The kubelet expands $(VAR) in command and args with the container's environment.
    (c.getCommand() == null ? List.<String>of() : c.getCommand())
        .forEach(a -> command.add(ContainerEnv.expand(a, containerEnv)));
    (c.getArgs() == null ? List.<String>of() : c.getArgs())
        .forEach(a -> command.add(ContainerEnv.expand(a, containerEnv)));
    if (command.isEmpty()) {
      throw new IllegalStateException(
          "container autoscaler of pod "
              + ObjectKeys.of(pod)
              + " has no command: the emulated"
              + " node cannot run an image's entrypoint");
    }
    List<String> wrapped = PodProcesses.forExec(files, pod, NAME).wrapped(command);
    return new AutoscalerContainer(pod, wrapped, env, log, scheduler, lifecycle, restartCount);
  }

  /**
   * Runs the process and reports it running; false when the container was closed meanwhile. Its
   * exit is watched only after that report, so that a process that dies at once is never reported
   * running after its exit.
   */
  boolean run() {
    ContainerProcess p;
    int count;
    synchronized (this) {
      if (closed) {
        return false;
      }
      p = ContainerProcess.start(command, env, null, log);
      process = p;
      count = restartCount;
    }
    logger.info("Started container autoscaler of pod {} (pid {})", ObjectKeys.of(pod), p.pid());
    synchronized (this) {
      if (closed) {
        return false; // closed meanwhile: its process is stopped, not running
      }
    }
    lifecycle.sidecarRunning(NAME, count);
    p.onExit().thenAccept(code -> exited(p, code));
    return true;
  }

  /** A restart after the back-off; a process that cannot start is reported, not lost. */
  private void restart() {
    try {
      run();
    } catch (RuntimeException e) {
      logger.warn("Cannot restart container autoscaler of pod {}", ObjectKeys.of(pod), e);
      lifecycle.sidecarExited(NAME, 128, null);
      lifecycle.warning("Failed", cannotStart(e));
    }
  }

  /** The Warning a container the node cannot start gets. */
  static String cannotStart(RuntimeException e) {
    return "Error: container " + NAME + " cannot start on the emulated node: " + e.getMessage();
  }

  private void exited(ContainerProcess p, int code) {
    Duration backOff;
    synchronized (this) {
      if (closed || process != p) {
        return;
      }
      backOff = restarts ? CrashBackOff.delay(restartCount) : null;
      logger.info(
          "Container autoscaler of pod {} exited with {}{}",
          ObjectKeys.of(pod),
          code,
          restarts ? "; restarting in " + backOff.toSeconds() + " s" : "");
      if (restarts) {
        restartCount++;
      }
    }
    lifecycle.sidecarExited(NAME, code, backOff);
    if (backOff != null) {
      lifecycle.warning("BackOff", CrashBackOff.event("container " + NAME, pod));
      // Scheduled once the exit is reported: the restart's report comes after it.
      scheduler.schedule(this::restart, backOff.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The running process's pid, if one runs. */
  synchronized Optional<Long> pid() {
    return process == null ? Optional.empty() : Optional.of(process.pid());
  }

  synchronized int restartCount() {
    return restartCount;
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    ContainerProcess p;
    synchronized (this) {
      closed = true;
      p = process;
    }
    if (p != null) {
      p.stop();
    }
  }
}
