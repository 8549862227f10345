package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.node.sandbox.ContainerEnv;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.ray.process.ContainerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ray pod's own init containers (ray-cluster.tls.yaml's, which make the pod's TLS certificate
 * with openssl before {@code ray start}), run as the kubelet runs them: one after the other, each
 * to a successful exit, with the container's environment and volumes, before the Ray container
 * starts; a failed one is restarted after the crash back-off, with a {@code BackOff} event that
 * names it and ends with its output. They used to be reported Completed without running, and the
 * Ray container then missed what they make. KubeRay's own {@code wait-gcs-ready} is not run: the
 * runtime waits for the head's GCS itself. The command runs with this machine's tools and the pod's
 * Ray first on the PATH, as a Ray image holds them; an init container without a command (its
 * image's entrypoint) cannot run here and is said so.
 */
final class InitContainers {

  /** KubeRay's injected init container of worker pods. */
  static final String WAIT_GCS_READY = "wait-gcs-ready";

  private static final Logger logger = LoggerFactory.getLogger(InitContainers.class);
  private static final int LOG_TAIL = 400;

  private InitContainers() {}

  /** The pod's init containers the node runs: all but KubeRay's {@code wait-gcs-ready}. */
  static List<Container> of(Pod pod) {
    List<Container> init = pod.getSpec().getInitContainers();
    return init == null
        ? List.of()
        : init.stream().filter(c -> !WAIT_GCS_READY.equals(c.getName())).toList();
  }

  /**
   * Runs the pod's init containers in order, each until it exits 0.
   *
   * @param runtimeEnv the pod's Ray runtime's environment (its PATH first)
   * @return true when all completed; false when the pod went ({@code gone}) meanwhile
   */
  static boolean run(
      Pod pod,
      PodFilesystems files,
      Map<String, String> runtimeEnv,
      Path logDir,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier gone) {
    for (Container c : of(pod)) {
      if (!runOne(pod, c, files, runtimeEnv, logDir, lifecycle, gone)) {
        return false;
      }
    }
    return true;
  }

  private static boolean runOne(
      Pod pod,
      Container c,
      PodFilesystems files,
      Map<String, String> runtimeEnv,
      Path logDir,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier gone) {
    Path log = ContainerLogs.file(logDir, pod, c.getName());
    for (int restarts = 0; !gone.getAsBoolean(); restarts++) {
      String failure = attempt(pod, c, files, runtimeEnv, log, lifecycle, gone);
      if (failure == null) {
        return true;
      }
      if (gone.getAsBoolean()) {
        return false;
      }
      lifecycle.warning(
          "BackOff", CrashBackOff.event("init container " + c.getName(), pod) + ": " + failure);
      if (!CrashBackOff.await(restarts, gone)) {
        return false;
      }
    }
    return false;
  }

  /** One run of the container: null when it exited 0, else what went wrong. */
  private static String attempt(
      Pod pod,
      Container c,
      PodFilesystems files,
      Map<String, String> runtimeEnv,
      Path log,
      PodRuntime.PodLifecycle lifecycle,
      BooleanSupplier gone) {
    List<String> command = CompletionPodRuntime.commandAndArgs(c);
    if (command.isEmpty()) {
      return "it has no command or args, and the emulated node cannot run the entrypoint of image "
          + c.getImage()
          + " (it pulls no image). Give the init container a command, or use the k3s backend";
    }
    Map<String, String> containerEnv;
    try {
      containerEnv = files.environment(pod, c.getName());
    } catch (ContainerEnv.ConfigException e) {
      return "CreateContainerConfigError: " + e.getMessage();
    }
    Map<String, String> env = new HashMap<>(containerEnv);
    env.putAll(runtimeEnv);
    List<String> expanded = new ArrayList<>();
    // The kubelet expands $(VAR) in command and args with the container's environment.
    command.forEach(a -> expanded.add(ContainerEnv.expand(a, containerEnv)));
    // A mount namespace that cannot be set up now is tried again with the kubelet's back-off.
    Optional<PodProcesses> mounted =
        new MountBackOff()
            .untilMounted(
                "the mount namespace of init container "
                    + c.getName()
                    + " of pod "
                    + ObjectKeys.of(pod),
                () -> PodProcesses.forExec(files, pod, c.getName()),
                lifecycle,
                gone);
    if (mounted.isEmpty()) {
      return "the pod was deleted";
    }
    PodProcesses sandbox = mounted.get();
    long logStart = size(log);
    ContainerProcess process;
    try {
      process = ContainerProcess.start(sandbox.wrapped(expanded), env, sandbox.workingDir(), log);
    } catch (RuntimeException e) {
      return "StartError: " + e.getMessage();
    }
    logger.info(
        "Running init container {} of pod {} (pid {})",
        c.getName(),
        ObjectKeys.of(pod),
        process.pid());
    CompletableFuture<Integer> exit = process.onExit();
    while (true) {
      try {
        int code = exit.get(500, TimeUnit.MILLISECONDS);
        return code == 0 ? null : "exit code " + code + tail(log, logStart);
      } catch (TimeoutException e) {
        if (gone.getAsBoolean()) {
          process.stop();
          return "the pod was deleted";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.stop();
        return "interrupted";
      } catch (ExecutionException e) {
        return "it could not be waited for: " + e.getCause();
      }
    }
  }

  private static long size(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The end of what this run wrote, for the event: ", output: ..." or nothing. */
  private static String tail(Path log, long from) {
    try {
      byte[] all = Files.readAllBytes(log);
      int start = (int) Math.max(from, all.length - (long) LOG_TAIL);
      String text = new String(all, start, all.length - start).strip();
      return text.isEmpty() ? "" : ", output: " + text.replace('\n', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
