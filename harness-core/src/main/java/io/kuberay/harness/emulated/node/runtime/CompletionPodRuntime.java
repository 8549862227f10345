package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodImages;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.ray.process.ContainerProcess;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pods of Jobs ({@code JobController}) to completion, and those of Deployments and
 * StatefulSets (restarted per restartPolicy Always): the container's command and args, as the image
 * would run them, with the container's environment, volumes and workingDir (as the Ray runtime sets
 * them up), {@code python} and {@code ray} of the Ray release the image holds first on the PATH
 * ({@link PodRayVersions}: the image tag, a {@code UserImage} mapping, the RayCluster's
 * rayVersion), and {@code RAY_REDIS_ADDRESS} resolved to the Redis pod its Service names ({@link
 * ServiceAddresses}). The exit code ends the pod Succeeded or Failed; restartPolicy OnFailure
 * restarts a failed container. An image that is neither Ray's nor mapped, or Ray being off, leaves
 * the pod waiting with ErrImagePull and the reason: the node never pretends to run what it cannot
 * know.
 */
final class CompletionPodRuntime implements PodRuntime {

  private static final Logger logger = LoggerFactory.getLogger(CompletionPodRuntime.class);
  private static final String REDIS_ADDRESS_ENV = "RAY_REDIS_ADDRESS";

  private final PodFilesystems files;
  private final Path logDir;
  private final PodImages images;
  private final Optional<RayRuntime> defaultRuntime;
  private final BiFunction<String, Optional<Path>, RayRuntime> resolver;
  private final Function<Pod, Optional<String>> clusterRayVersion;
  private final ServiceAddresses services;
  private final Map<String, ContainerProcess> processes = new ConcurrentHashMap<>();
  private final Map<String, RayRuntime> podRuntimes = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final PodExecs execs = new PodExecs();
  private final ExecutorService kubelet =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kuberay-emulated-job-pod");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  /**
   * @param defaultRuntime the harness's Ray; empty when Ray is off (kuberay.ray=off or
   *     unavailable): then no Job pod of a Ray image runs
   * @param resolver finds or provisions a Ray version with optional requirements
   */
  CompletionPodRuntime(
      PodFilesystems files,
      Path logDir,
      PodImages images,
      Optional<RayRuntime> defaultRuntime,
      BiFunction<String, Optional<Path>, RayRuntime> resolver,
      Function<Pod, Optional<String>> clusterRayVersion,
      ServiceAddresses services) {
    this.files = files;
    this.logDir = logDir;
    this.images = images;
    this.defaultRuntime = defaultRuntime;
    this.resolver = resolver;
    this.clusterRayVersion = clusterRayVersion;
    this.services = services;
  }

  @Override
  public void start(Pod pod, PodLifecycle lifecycle) {
    cancelled.remove(ObjectKeys.of(pod));
    kubelet.submit(
        () -> {
          try {
            run(pod, lifecycle);
          } catch (RuntimeException e) {
            logger.warn("Job pod {} failed to run", ObjectKeys.of(pod), e);
            lifecycle.terminated(128, "ContainerCannotRun");
          }
        });
  }

  private void run(Pod pod, PodLifecycle lifecycle) {
    String key = ObjectKeys.of(pod);
    List<Container> containers = pod.getSpec().getContainers();
    if (containers.size() != 1
        || (pod.getSpec().getInitContainers() != null
            && !pod.getSpec().getInitContainers().isEmpty())) {
      lifecycle.configError(
          "the emulated node runs the command of a Job's or workload's pod of exactly one container and no init containers;"
              + " this pod has "
              + containers.size()
              + " containers and "
              + (pod.getSpec().getInitContainers() == null
                  ? 0
                  : pod.getSpec().getInitContainers().size())
              + " init containers. Use the k3s backend for it");
      return;
    }
    Optional<String> problem = images.problem(pod);
    if (problem.isPresent()) {
      lifecycle.imageUnavailable("ErrImagePull", problem.get());
      return;
    }
    Optional<RayRuntime> runtime = runtime(pod, lifecycle);
    if (runtime.isEmpty()) {
      return;
    }
    Optional<Map<String, String>> prepared =
        ContainerPreparation.prepare(
            files, pod, lifecycle, () -> closed || cancelled.contains(key));
    if (prepared.isEmpty()) {
      return;
    }
    podRuntimes.put(key, runtime.get());
    Map<String, String> env = environment(pod, prepared.get(), runtime.get());
    // A mount namespace that cannot be set up now (its script timed out under load, say) is tried
    // again with the kubelet's back-off.
    Optional<PodProcesses> mounted =
        MountBackOff.podNamespace(files, pod, lifecycle, () -> closed || cancelled.contains(key));
    if (mounted.isEmpty()) {
      return;
    }
    PodProcesses sandbox = mounted.get();
    List<String> command = new ArrayList<>(List.of("/usr/bin/env"));
    command.addAll(commandOf(containers.get(0)));
    Path log = logFile(pod);
    lifecycle.initContainersDone();
    String policy = pod.getSpec().getRestartPolicy();
    int restarts = 0;
    while (!closed && !cancelled.contains(key)) {
      ContainerProcess process =
          ContainerProcess.start(sandbox.wrapped(command), env, sandbox.workingDir(), log);
      processes.put(key, process);
      if (cancelled.contains(key)) {
        process.stop();
        return;
      }
      if (restarts == 0) {
        lifecycle.containersStarted();
      } else {
        lifecycle.restarted(restarts);
      }
      lifecycle.readiness(true); // no probes: a running container is ready
      int exit = process.onExit().join();
      if (closed || cancelled.contains(key)) {
        return;
      }
      String reason = exit == 0 ? "Completed" : "Error";
      boolean again = "Always".equals(policy) || ("OnFailure".equals(policy) && exit != 0);
      if (!again) {
        lifecycle.terminated(exit, reason);
        return;
      }
      lifecycle.exited(exit, reason);
      if (!CrashBackOff.await(restarts, () -> closed || cancelled.contains(key))) {
        return;
      }
      restarts++;
    }
  }

  /**
   * The Ray the image holds, resolved (provisioned on first use, as a kubelet pulls an image);
   * empty, with the pod waiting on ErrImagePull, when it cannot be had.
   */
  private Optional<RayRuntime> runtime(Pod pod, PodLifecycle lifecycle) {
    if (defaultRuntime.isEmpty()) {
      lifecycle.imageUnavailable(
          "ErrImagePull",
          "image "
              + PodImages.rayContainerImage(pod)
              + ": the emulated node runs the command of a Job's or workload's pod with the Ray its image holds, and"
              + " Ray is off here (kuberay.ray=off, or Ray unavailable). Use kuberay.ray=auto or"
              + " required, or the k3s backend");
      return Optional.empty();
    }
    PodRayVersions.Choice choice =
        PodRayVersions.choose(
            pod,
            images.rayContainerMapping(pod),
            () -> clusterRayVersion.apply(pod),
            defaultRuntime.get().rayVersion());
    RayRuntime runtime =
        choice.version().equals(defaultRuntime.get().rayVersion())
                && choice.requirements().isEmpty()
            ? defaultRuntime.get()
            : resolver.apply(choice.version(), choice.requirements());
    if (!runtime.isAvailable()) {
      lifecycle.imageUnavailable(
          "ErrImagePull",
          "image "
              + PodImages.rayContainerImage(pod)
              + ": "
              + choice.describe()
              + " is unavailable: "
              + runtime.unavailableReason().orElse("unknown reason")
              + " (the version comes from "
              + choice.source()
              + ")");
      return Optional.empty();
    }
    return Optional.of(runtime);
  }

  /**
   * The container's environment, the Ray runtime's PATH first, and the Redis address resolved as
   * for a GCS FT head.
   */
  private Map<String, String> environment(Pod pod, Map<String, String> podEnv, RayRuntime ray) {
    Map<String, String> env = new HashMap<>(podEnv);
    env.putAll(ray.environment());
    String redis = env.get(REDIS_ADDRESS_ENV);
    if (redis != null && !redis.isBlank() && services != null) {
      env.put(
          REDIS_ADDRESS_ENV,
          services.resolveList(
              pod.getMetadata().getNamespace(),
              redis,
              address ->
                  logger.warn(
                      "Job pod {}: {}={} names no ready pod behind a Service here",
                      ObjectKeys.of(pod),
                      REDIS_ADDRESS_ENV,
                      address)));
    }
    return env;
  }

  /**
   * The process a container runs: command and args; without a command, the args alone (Ray's images
   * have no entrypoint), and without either the image's default, {@code bash}, which ends at once
   * without a terminal.
   */
  static List<String> commandOf(Container c) {
    List<String> command = commandAndArgs(c);
    if (command.isEmpty()) {
      command.add("bash");
    }
    return command;
  }

  /** The container's command followed by its args, as given; empty when it has neither. */
  static List<String> commandAndArgs(Container c) {
    List<String> command = new ArrayList<>();
    if (c.getCommand() != null) {
      command.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      command.addAll(c.getArgs());
    }
    return command;
  }

  private Path logFile(Pod pod) {
    return ContainerLogs.file(logDir, pod);
  }

  @Override
  public void stop(String namespace, String name) {
    String key = ObjectKeys.of(namespace, name);
    execs.stop(namespace, name);
    cancelled.add(key);
    ContainerProcess p = processes.remove(key);
    if (p != null) {
      p.stop();
    }
    podRuntimes.remove(key);
    files.remove(namespace, name);
  }

  @Override
  public Optional<URI> address(Pod pod, int containerPort) {
    return Optional.empty();
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return command(pod, container, command).run(timeout);
  }

  @Override
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return execs.start(pod, command(pod, container, command), tty);
  }

  /** An exec in the pod: its container's environment with the image's Ray first on the PATH. */
  private ContainerCommand command(Pod pod, String container, List<String> command) {
    Map<String, String> env = new HashMap<>(PodProcesses.execEnvironment(files, pod, container));
    RayRuntime ray = podRuntimes.get(ObjectKeys.of(pod));
    if (ray != null) {
      env.putAll(ray.environment());
    } else {
      env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }
    List<String> viaEnv = new ArrayList<>(List.of("/usr/bin/env"));
    viaEnv.addAll(command);
    return new ContainerCommand(PodProcesses.forExec(files, pod, container).wrapped(viaEnv), env);
  }

  @Override
  public String logs(Pod pod, String container) {
    if (!PodContainers.isFirst(pod, container)) {
      throw PodRuntimes.notRun(pod, container);
    }
    Path log = logFile(pod);
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public int killAll() {
    List<Long> roots = new ArrayList<>();
    processes.values().forEach(p -> roots.add(p.pid()));
    roots.addAll(execs.pids());
    return PowerLoss.kill(roots);
  }

  @Override
  public void close() {
    closed = true;
    List.copyOf(processes.keySet()).forEach(k -> stop(ObjectKeys.namespace(k), ObjectKeys.name(k)));
    execs.close();
    kubelet.shutdownNow();
  }
}
