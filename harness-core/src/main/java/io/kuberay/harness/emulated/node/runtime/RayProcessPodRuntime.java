package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.Waits;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.node.sandbox.PodEnvironment;
import io.kuberay.harness.emulated.node.sandbox.PodFilesystems;
import io.kuberay.harness.emulated.node.sandbox.PodImages;
import io.kuberay.harness.emulated.node.sandbox.PodProcesses;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.PodContainers;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import io.kuberay.harness.ray.process.JvmReaper;
import io.kuberay.harness.ray.process.PortAllocator;
import io.kuberay.harness.ray.process.ProcessWrapper;
import io.kuberay.harness.ray.process.RayNode;
import io.kuberay.harness.ray.process.RayNodeLauncher;
import io.kuberay.harness.ray.process.RayNodeSpec;
import io.kuberay.harness.ray.process.RayRuntime;
import io.kuberay.harness.ray.process.RayStandby;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Ray pods as real {@code ray start} processes on loopback: the head pod is a Ray head, worker
 * pods join it once its GCS answers (the {@code wait-gcs-ready} init container), readiness follows
 * KubeRay's probes, a dead process is restarted as restartPolicy Always asks, and exec runs with
 * the pod's environment pointed at this cluster's GCS.
 *
 * <p>A pod's {@code ray start} runs in an interpreter that has already imported Ray (a {@link
 * RayStandby}): one of two kept ready while no pod starts, or, for a worker without one, its own,
 * started with the pod so that Python imports Ray while the init container waits. Command line,
 * environment and log are the same as a cold start's.
 */
public final class RayProcessPodRuntime implements PodRuntime {

  private static final Duration GCS_WAIT = Duration.ofMinutes(5);
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");
  private static final Duration READY_WAIT = Duration.ofMinutes(3);
  private static final Duration SESSION_WAIT = Duration.ofSeconds(30);
  private static final Duration REPLENISH_DELAY = Duration.ofMillis(500);
  private static final String REDIS_ADDRESS_ENV = "RAY_REDIS_ADDRESS";

  /**
   * How many standbys an environment keeps (system property, or {@code KUBERAY_RAY_STANDBYS}); 0
   * turns them off.
   */
  public static final String STANDBYS_PROPERTY = "kuberay.ray.standbys";

  /** By default one for a head and one for a worker: the chart's cluster. */
  private static final Logger logger = LoggerFactory.getLogger(RayProcessPodRuntime.class);

  /** What pods' images hold that the node cannot pull: Ray images, mapped user images. */
  private final PodImages images;

  /**
   * The Ray runtime of each pod's image (a Ray version, with a user image's requirements), and a
   * launcher per runtime; keyed by {@link PodRayVersions.Choice#key()}.
   */
  private final PodRayVersions versions;

  private final Path logDir;
  private final int standbyCount;
  private final Map<String, RayNode> nodes = new ConcurrentHashMap<>();

  /** namespace/cluster → head node, as the head service resolves in a real cluster. */
  private final Map<String, RayNode> heads = new ConcurrentHashMap<>();

  /**
   * namespace/cluster → the Ray runtime its head runs: its workers run the same, as in a cluster
   * built from one image.
   */
  private final Map<String, String> headVersions = new ConcurrentHashMap<>();

  /** namespace/name → the Ray runtime the pod runs (its exec uses the same). */
  private final Map<String, String> podVersions = new ConcurrentHashMap<>();

  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kuberay-emulated-kubelet");
            t.setDaemon(true);
            return t;
          });

  /**
   * Interpreters that have imported Ray's CLI, ready to become the next pods' {@code ray start}
   * (see RayStandby).
   */
  private final Deque<PooledStandby> standbys = new ConcurrentLinkedDeque<>();

  /**
   * The version the pool's standbys run: the one the last pod started with (first: the default).
   */
  private volatile String standbyVersion;

  /**
   * Pods between start and their node's first readiness: standbys are replaced only when none
   * starts.
   */
  private final AtomicInteger starting = new AtomicInteger();

  /** Pods that were deleted: their nodes must not be (re)launched. */
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  private final Object podLock = new Object();

  /** Volumes, env sources and mount namespaces of the pods. */
  private final PodFilesystems files;

  private final PodExecs execs = new PodExecs();

  /** Head pods' autoscaler containers, by pod key. */
  private final Map<String, AutoscalerContainer> autoscalers = new ConcurrentHashMap<>();

  private final ScheduledExecutorService containerRestarts =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kuberay-emulated-container-restarts");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Path> shimDirs = new ConcurrentHashMap<>();

  /** Where the pods' in-cluster service names lead (an external Redis for GCS FT); or null. */
  private final ServiceAddresses services;

  /**
   * namespace/cluster → the GCS port of a GCS fault-tolerant cluster's head: every head of the
   * cluster listens there, as the head service's port stays, so that workers reconnect to a
   * restarted head.
   */
  private final Map<String, Integer> ftGcsPorts = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /** A standby of the pool and the Ray version it imported. */
  private record PooledStandby(String version, RayStandby standby) {}

  /**
   * @param runtime the default Ray, for pods whose image and RayCluster name no version
   * @param clusterRayVersion the {@code spec.rayVersion} of a pod's RayCluster, for images whose
   *     tag names no version
   * @param userImages what the user's own images hold
   */
  public RayProcessPodRuntime(
      RayRuntime runtime,
      Path logDir,
      int standbyCount,
      PodFilesystems files,
      Function<Pod, Optional<String>> clusterRayVersion,
      List<UserImage> userImages,
      ServiceAddresses services) {
    this.files = files;
    this.services = services;
    this.images = new PodImages(userImages);
    this.versions =
        new PodRayVersions(runtime, RayRuntime::resolve, clusterRayVersion, this.images);
    this.standbyVersion = versions.defaultVersion();
    this.logDir = logDir;
    this.standbyCount = standbyCount;
    if (standbyCount > 0) {
      workers.submit(this::replenishStandbys);
    }
  }

  /**
   * The standby count set by {@value #STANDBYS_PROPERTY} (or {@code KUBERAY_RAY_STANDBYS}), read as
   * every setting is ({@link io.kuberay.harness.install.Settings}).
   *
   * @throws IllegalArgumentException naming the setting when it is not a whole number from 0 to 16
   */
  public static int standbyCount(Optional<String> value) {
    return SettingsReader.wholeNumber(
        Setting.RAY_STANDBYS, value, 0, 16, "0 (no standby interpreters) to 16");
  }

  /**
   * Tops the standbys up to the configured count, unless pods are starting (their imports would
   * compete); standbys of a version no longer asked for are ended first.
   */
  private synchronized void replenishStandbys() {
    String version = standbyVersion;
    for (PooledStandby p : standbys) {
      if (!p.standby().isAlive() || !p.version().equals(version)) {
        standbys.remove(p);
        p.standby().close();
      }
    }
    try {
      RayNodeLauncher launcher = versions.launcher(version);
      while (!closed && starting.get() == 0 && standbys.size() < standbyCount) {
        standbys.add(
            new PooledStandby(
                version, launcher.standby(Map.of(), PodProcesses.standbyWrapper(files))));
      }
    } catch (RuntimeException e) {
      logger.debug("Cannot start a Ray standby interpreter; pods start cold", e);
    }
  }

  /** A standby of the version that fits the pod's environment, if one is ready. */
  private RayStandby takeStandby(
      String version, RayNodeLauncher launcher, Map<String, String> podEnv) {
    for (PooledStandby p : standbys) {
      if (p.version().equals(version)
          && p.standby().isAlive()
          && launcher.fits(p.standby(), podEnv)
          && standbys.remove(p)) {
        return p.standby();
      }
    }
    if (logger.isDebugEnabled()) {
      standbys.forEach(
          p ->
              logger.debug(
                  "Standby of Ray {} (alive {}) does not fit a pod of Ray {}: {}",
                  p.version(),
                  p.standby().isAlive(),
                  version,
                  launcher.misfits(p.standby(), podEnv)));
    }
    return null;
  }

  /** A standby of the pod's own, which imports Ray while the pod's init container waits. */
  private RayStandby ownStandby(
      RayNodeLauncher launcher, Map<String, String> podEnv, ProcessWrapper wrapper) {
    try {
      return launcher.standby(podEnv, wrapper);
    } catch (RuntimeException e) {
      logger.debug("Cannot start a Ray standby interpreter; the pod starts cold", e);
      return null;
    }
  }

  private void started() {
    if (starting.decrementAndGet() == 0 && !closed) {
      // A little later: the status writes that follow readiness come first.
      CompletableFuture.runAsync(
          this::replenishStandbys,
          CompletableFuture.delayedExecutor(
              REPLENISH_DELAY.toMillis(), TimeUnit.MILLISECONDS, workers));
    }
  }

  @Override
  public void start(Pod pod, PodLifecycle lifecycle) {
    // A pod of the same name may come back (a deterministic head name): deletions are delivered
    // before creations.
    cancelled.remove(ObjectKeys.of(pod));
    workers.submit(() -> run(Json.copy(pod), lifecycle));
  }

  private void run(Pod pod, PodLifecycle lifecycle) {
    try {
      runNode(pod, lifecycle);
    } catch (RuntimeException | Error e) {
      logger.warn("Pod {} failed to run", ObjectKeys.of(pod), e);
      throw e;
    }
  }

  private void runNode(Pod pod, PodLifecycle lifecycle) {
    String key = ObjectKeys.of(pod);
    boolean head = "head".equals(pod.getMetadata().getLabels().get(Labels.NODE_TYPE));
    String clusterKey =
        ObjectKeys.of(
            pod.getMetadata().getNamespace(), pod.getMetadata().getLabels().get(Labels.CLUSTER));
    Map<String, String> params = startParams(pod);
    // Volumes mounted and env resolved first, as the kubelet does before it creates a container.
    Optional<Map<String, String>> prepared =
        ContainerPreparation.prepare(
            files, pod, lifecycle, () -> closed || cancelled.contains(key));
    if (prepared.isEmpty()) {
      cancelled.remove(key);
      return;
    }
    Map<String, String> podEnv = prepared.get();
    Optional<PodRayVersions.Choice> chosen = rayVersion(pod, lifecycle);
    if (chosen.isEmpty()) {
      cancelled.remove(key);
      return;
    }
    String version = chosen.get().key();
    if (!InitContainers.run(
        pod,
        files,
        versions.runtime(version).environment(),
        logDir,
        lifecycle,
        () -> closed || cancelled.contains(key))) {
      cancelled.remove(key);
      return;
    }
    RayNodeLauncher launcher = versions.launcher(version);
    podVersions.put(key, version);
    standbyVersion = version;
    starting.incrementAndGet();
    boolean counted = true;
    // The main container's interpreter starts now and imports Ray; `ray start` runs in it once the
    // pod may start.
    RayStandby standby = takeStandby(version, launcher, podEnv);
    PodProcesses processes;
    try {
      processes = PodProcesses.forPod(files, pod, standby);
    } catch (RuntimeException e) {
      // The mount namespace could not be set up (its script timed out under load, say): the
      // kubelet tries a failed mount again with its back-off, the pod meanwhile a starting one
      // no more (standbys are made again), and its standby's namespace given up.
      if (standby != null) {
        standby.close();
        standby = null;
      }
      started();
      counted = false;
      Optional<PodProcesses> retried =
          MountBackOff.podNamespaceAfter(
              e, files, pod, lifecycle, () -> closed || cancelled.contains(key));
      if (retried.isEmpty()) {
        cancelled.remove(key);
        return;
      }
      processes = retried.get();
      starting.incrementAndGet();
      counted = true;
    }
    if (!processes.adoptedStandby() && standby != null && processes.wrapper() != null) {
      // A standby outside the pod's namespace cannot become its process.
      standby.close();
      standby = null;
    }
    if (standby == null && !head) {
      standby = ownStandby(launcher, podEnv, processes.wrapper());
    }
    try {
      Path log = ContainerLogs.file(logDir, pod);
      int restarts = 0;
      while (!closed && nodes.containsKey(key) || restarts == 0) {
        // A worker reaches its head through the head service, which resolves to the head as it is
        // now: after a head
        // restart the restarted worker container joins the new head (its old raylet exits once the
        // GCS is gone).
        RayNode headNode = head ? null : awaitHeadGcs(key, clusterKey, version);
        // A worker runs its own image's Ray, as a container does: if its head runs another
        // release, Ray's own `ray start` refuses to join ("Version mismatch") and the container
        // crash-loops with that message in its log.
        RayNodeSpec.Builder spec =
            head
                ? RayNodeSpec.head(pod.getMetadata().getName())
                : RayNodeSpec.worker(pod.getMetadata().getName(), headNode.gcsAddress());
        Map<String, String> nodeEnv = podEnv;
        if (head && gcsFaultTolerant(podEnv)) {
          nodeEnv = externalRedis(pod, podEnv);
          spec.gcsPort(ftGcsPorts.computeIfAbsent(clusterKey, k -> PortAllocator.freePort()));
        }
        if (restarts == 0) {
          lifecycle.initContainersDone();
        }
        Map<String, String> expanded = new LinkedHashMap<>();
        Map<String, String> shellEnv = nodeEnv;
        params.forEach((k, v) -> expanded.put(k, ShellVariables.expand(v, shellEnv)));
        RayNodeSpec built =
            spec.rayStartParams(expanded)
                .env(nodeEnv)
                .logFile(log)
                .wrapper(processes.wrapper())
                .workingDir(processes.workingDir())
                .build();
        RayNode node = launcher.launch(built, standby);
        standby = null;
        Path rayTempDir = head ? node.tempDir() : headNode.tempDir();
        linkRayTempDir(pod, rayTempDir);
        boolean deleted;
        synchronized (podLock) {
          deleted = cancelled.contains(key);
          if (!deleted) {
            nodes.put(key, node);
            if (head) {
              heads.put(clusterKey, node);
              headVersions.put(clusterKey, version);
            }
          }
        }
        if (deleted) {
          // The pod was deleted while its node was starting.
          node.stop();
          return;
        }
        if (head && AutoscalerContainer.present(pod)) {
          // The sidecar starts with the Ray container; a restarted head listens on a new port, so
          // it follows. It logs into the session Ray makes in its first second, which /tmp/ray
          // shows by then (on a cluster it waits for the head to answer, well after that).
          awaitSession(node, rayTempDir);
          linkRayTempDir(pod, rayTempDir);
          startAutoscaler(pod, key, node, lifecycle);
        }
        if (restarts == 0) {
          lifecycle.containersStarted();
          UnrunContainers.of(pod)
              .forEach(c -> lifecycle.warning(UnrunContainers.REASON, UnrunContainers.message(c)));
        } else {
          lifecycle.restarted(restarts);
        }
        NodeReadiness readiness =
            NodeReadiness.of(pod, node, headNode, () -> heads.get(clusterKey));
        try {
          awaitReadyOrUnhealthy(node, pod, lifecycle, () -> closed || nodes.get(key) != node);
        } catch (RuntimeException e) {
          if (node.isAlive() || closed || nodes.get(key) != node) {
            throw e;
          }
          // ray start exited before it was ready (a bad flag, a missing file): the kubelet
          // restarts the container after a back-off that doubles from 10 s up to 5 min, counting
          // restarts, where this used to leave the pod in CrashLoopBackOff for ever.
          lifecycle.exited(node.exitCode().orElse(-1), "Error");
          lifecycle.warning(
              "BackOff",
              CrashBackOff.event(
                  "container " + pod.getSpec().getContainers().get(0).getName(), pod));
          if (!CrashBackOff.await(restarts, () -> closed || nodes.get(key) != node)) {
            return;
          }
          restarts++;
          continue;
        } finally {
          if (counted) {
            counted = false;
            started();
          }
        }
        // Ray has made its session dir by now: the pod's /tmp/ray shows it too.
        linkRayTempDir(pod, rayTempDir);
        if (readiness.headCurrent()) {
          lifecycle.readiness(true);
          // Until the process exits (crash, or stop() on pod deletion), readiness follows KubeRay's
          // probe.
          readiness.watch(lifecycle, () -> closed || nodes.get(key) != node);
        }
        ProcessHandle.of(node.pid()).ifPresent(h -> h.onExit().join());
        if (closed || nodes.get(key) != node) {
          return;
        }
        lifecycle.exited(node.exitCode().orElse(-1), "Error");
        restarts++;
      }
    } catch (RuntimeException e) {
      if (!closed && nodes.containsKey(key)) {
        lifecycle.exited(1, "Error");
      }
    } finally {
      cancelled.remove(key);
      if (standby != null) {
        standby.close();
      }
      if (counted) {
        started();
      }
    }
  }

  /**
   * Until Ray has made its session dir in {@code tempDir} (bounded; or its process ended): a head
   * that fails before that starts its autoscaler all the same.
   */
  private static void awaitSession(RayNode node, Path tempDir) {
    if (tempDir == null) {
      return;
    }
    try {
      Awaitility.await("Ray's session dir in " + tempDir)
          .atMost(SESSION_WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> Files.exists(tempDir.resolve("session_latest")) || !node.isAlive());
    } catch (ConditionTimeoutException e) {
      logger.warn("Ray made no session dir in {} within {}", tempDir, SESSION_WAIT);
    }
  }

  /** The pod's /tmp/ray shows its node's files; a failure costs only that view. */
  private void linkRayTempDir(Pod pod, Path rayTempDir) {
    try {
      files.linkRayTempDir(pod, rayTempDir);
    } catch (RuntimeException e) {
      logger.warn(
          "Pod {}: Ray's files are not shown at /tmp/ray: {}", ObjectKeys.of(pod), e.getMessage());
    }
  }

  /** Ray's GCS keeps its state in an external Redis when the head has {@code RAY_REDIS_ADDRESS}. */
  private static boolean gcsFaultTolerant(Map<String, String> env) {
    String address = env.get(REDIS_ADDRESS_ENV);
    return address != null && !address.isBlank();
  }

  /**
   * The head's environment with {@code RAY_REDIS_ADDRESS} pointing where its in-cluster name leads
   * now (a Redis pod behind a Service); an address that leads nowhere here is kept, and Ray fails
   * to reach it as it would on a real cluster.
   */
  private Map<String, String> externalRedis(Pod pod, Map<String, String> env) {
    if (services == null) {
      return env;
    }
    String resolved =
        services.resolveList(
            pod.getMetadata().getNamespace(),
            env.get(REDIS_ADDRESS_ENV),
            address ->
                logger.warn(
                    "Pod {}: {}={} names no ready Redis pod behind a Service here; Ray will fail to"
                        + " reach it",
                    ObjectKeys.of(pod),
                    REDIS_ADDRESS_ENV,
                    address));
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.put(REDIS_ADDRESS_ENV, resolved);
    return copy;
  }

  /**
   * The pod's Ray version, resolved: on a version's first use it is provisioned while the pod
   * waits, as a kubelet pulls an image, with events saying so. A version that cannot be had leaves
   * the pod waiting with the reason and the fix in its status and a Warning event; empty then.
   */
  private Optional<PodRayVersions.Choice> rayVersion(Pod pod, PodLifecycle lifecycle) {
    Optional<String> problem = images.problem(pod);
    if (problem.isPresent()) {
      // As a kubelet whose pull fails: the pod stays Pending, never a Ray process without its code.
      logger.warn("Pod {} cannot run: {}", ObjectKeys.of(pod), problem.get());
      lifecycle.imageUnavailable("ErrImagePull", problem.get());
      return Optional.empty();
    }
    PodRayVersions.Choice choice = versions.choose(pod);
    if (versions.isReady(choice.key())) {
      return Optional.of(choice);
    }
    long start = System.nanoTime();
    lifecycle.normal(
        "Pulling",
        "Resolving "
            + choice.describe()
            + " for image "
            + PodImages.rayContainerImage(pod)
            + " (the version from "
            + choice.source()
            + "): provisioned into the harness's cache on its first use, reused after");
    try {
      versions.launcher(choice.key());
      lifecycle.normal(
          "Pulled",
          choice.describe()
              + " ready in "
              + Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0
              + " s");
      return Optional.of(choice);
    } catch (RuntimeException e) {
      logger.warn(
          "Pod {} cannot run {}: {}", ObjectKeys.of(pod), choice.describe(), e.getMessage());
      lifecycle.imageUnavailable(
          "ErrImagePull",
          "image "
              + PodImages.rayContainerImage(pod)
              + ": "
              + e.getMessage()
              + " (the version comes from "
              + choice.source()
              + ")");
      return Optional.empty();
    }
  }

  private void startAutoscaler(Pod pod, String key, RayNode head, PodLifecycle lifecycle) {
    AutoscalerContainer old = autoscalers.remove(key);
    int restartCount = 0;
    if (old != null) {
      old.close();
      restartCount = old.restartCount();
    }
    try {
      Path log = ContainerLogs.file(logDir, pod, AutoscalerContainer.NAME);
      String version = podVersions.get(key);
      AutoscalerContainer container =
          AutoscalerContainer.create(
              pod,
              files,
              versions.runtime(version),
              shimDir(version),
              head.gcsAddress(),
              log,
              containerRestarts,
              lifecycle,
              restartCount);
      synchronized (podLock) {
        if (cancelled.contains(key)) {
          return;
        }
        autoscalers.put(key, container);
      }
      // Reports it running with its own restarts (not the head container's), then its exits.
      container.run();
    } catch (RuntimeException e) {
      logger.warn("Cannot start the autoscaler container of pod {}", key, e);
      synchronized (podLock) {
        AutoscalerContainer unstarted = autoscalers.remove(key);
        if (unstarted != null) {
          unstarted.close();
        }
      }
      // Not running, so neither Running nor Ready, as a container the runtime could not start.
      lifecycle.sidecarExited(AutoscalerContainer.NAME, 128, null);
      lifecycle.warning("Failed", AutoscalerContainer.cannotStart(e));
    }
  }

  /** The autoscaler's {@code ray} shim runs the pod's Ray runtime: one per runtime. */
  private Path shimDir(String version) {
    return shimDirs.computeIfAbsent(
        version,
        v ->
            AutoscalerContainer.writeShim(
                versions.runtime(v),
                logDir
                    .resolveSibling("pod-bin")
                    .resolve(
                        v.equals(versions.version(v))
                            ? v
                            : versions.version(v) + "-req-" + Integer.toHexString(v.hashCode()))));
  }

  /**
   * Until the node is ready. A node that runs and is not ready stays so, Running and not Ready as
   * on a kubelet, until its container's liveness probe would have failed for good ({@link
   * LivenessDeadline}): then it is stopped with the kubelet's events, and the caller takes it for
   * an exit. Before, a node not ready within a fixed wait ended the pod's runtime: its container
   * showed a crash back-off for ever.
   *
   * @throws RuntimeException when the node has exited (or was stopped here) or the pod went
   */
  private static void awaitReadyOrUnhealthy(
      RayNode node, Pod pod, PodLifecycle lifecycle, BooleanSupplier gone) {
    Container container = pod.getSpec().getContainers().get(0);
    // The container has just started: the probe's clock runs from now.
    Optional<Instant> kill = LivenessDeadline.of(container).map(Instant.now()::plus);
    while (true) {
      Duration wait =
          kill.map(k -> Duration.between(Instant.now(), k))
              .filter(d -> d.compareTo(READY_WAIT) < 0)
              .orElse(READY_WAIT);
      try {
        node.awaitReady(wait.isNegative() ? Duration.ZERO : wait);
        return;
      } catch (RuntimeException e) {
        if (gone.getAsBoolean() || !node.isAlive()) {
          throw e;
        }
        if (kill.isPresent() && !Instant.now().isBefore(kill.get())) {
          lifecycle.warning(
              "Unhealthy",
              "Liveness probe failed: " + e.getMessage().lines().findFirst().orElse(""));
          lifecycle.warning(
              "Killing",
              "Container " + container.getName() + " failed liveness probe, will be restarted");
          node.stop();
          throw e;
        }
      }
    }
  }

  /**
   * Like wait-gcs-ready ({@code ray health-check}): the head's GCS answering is enough, not its
   * whole readiness.
   */
  private RayNode awaitHeadGcs(String key, String clusterKey, String version) {
    return Waits.until(
        "wait-gcs-ready of pod " + key,
        "the head's GCS to answer (and, for a Ray before 2.41, the head node to be ready)",
        GCS_WAIT,
        () -> heads.get(clusterKey),
        n ->
            !closed
                && gcsAnswers(n)
                && (!picksHeadByAddress(
                        versions.version(headVersions.getOrDefault(clusterKey, version)))
                    || n.isReady()),
        n -> n.isAlive() ? "head starting" : "head exited",
        n -> closed || cancelled.contains(key));
  }

  /**
   * Whether this Ray's dashboard takes the first node registered at its own IP for the head node
   * ({@code node_head.py} before 2.41; later Rays ask the node whether it is the head). Every
   * emulated node is at 127.0.0.1, so a worker that registered before the head's raylet became the
   * "head": a RayJob's driver ran there, outside the head pod's volumes (v1.1.0's ray-job.sample,
   * Ray 2.9.0: {@code can't open file '/home/ray/samples/sample_code.py'}). Such a worker joins
   * once the head node is ready, when the dashboard has written the head's id.
   */
  static boolean picksHeadByAddress(String rayVersion) {
    Matcher m = MAJOR_MINOR.matcher(rayVersion);
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    return major < 2 || major == 2 && Integer.parseInt(m.group(2)) < 41;
  }

  private static boolean gcsAnswers(RayNode head) {
    if (!head.isAlive()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", head.ports().gcs()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The operator's generated {@code ray start} flags, read back from KUBERAY_GEN_RAY_START_CMD. */
  static Map<String, String> startParams(Pod pod) {
    Map<String, String> params = new LinkedHashMap<>();
    String command =
        PodEnvironment.of(pod, null, Map.of()).getOrDefault("KUBERAY_GEN_RAY_START_CMD", "");
    // Split and unquoted as the container's bash would: a quoted value with spaces (a --resources
    // JSON) is one flag.
    for (String word : ShellWords.split(command)) {
      if (!word.startsWith("--") || word.equals("--head")) {
        continue;
      }
      String flag = word.substring(2);
      int eq = flag.indexOf('=');
      params.put(eq < 0 ? flag : flag.substring(0, eq), eq < 0 ? "true" : flag.substring(eq + 1));
    }
    return params;
  }

  @Override
  public void stop(String namespace, String name) {
    execs.stop(namespace, name);
    RayNode node;
    synchronized (podLock) {
      // A pod still waiting for the head's GCS, or between a crash and its restart, must not start
      // a node any more.
      cancelled.add(ObjectKeys.of(namespace, name));
      node = nodes.remove(ObjectKeys.of(namespace, name));
      podVersions.remove(ObjectKeys.of(namespace, name));
      if (node != null) {
        heads.values().remove(node);
      }
    }
    AutoscalerContainer autoscaler = autoscalers.remove(ObjectKeys.of(namespace, name));
    Runnable stopping =
        () -> {
          if (autoscaler != null) {
            autoscaler.close();
          }
          if (node != null) {
            node.stop();
          }
          files.remove(namespace, name);
        };
    try {
      workers.submit(stopping);
    } catch (RejectedExecutionException e) {
      stopping.run(); // closing: nothing else runs on the workers now
    }
  }

  @Override
  public ExecResult exec(Pod pod, String container, List<String> command, Duration timeout) {
    return command(pod, container, command).run(timeout);
  }

  @Override
  public ExecProcess start(Pod pod, String container, List<String> command, boolean tty) {
    return execs.start(pod, command(pod, container, command), tty);
  }

  private ContainerCommand command(Pod pod, String container, List<String> command) {
    Map<String, String> env = new HashMap<>(PodProcesses.execEnvironment(files, pod, container));
    env.putAll(versions.runtime(podVersions.get(ObjectKeys.of(pod))).environment());
    JvmReaper.mark(env); // an exec still running when this JVM is killed ends with it
    RayNode head =
        heads.get(
            ObjectKeys.of(
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getLabels().get(Labels.CLUSTER)));
    if (head != null) {
      // The pod's RAY_ADDRESS names the head's in-cluster address; here it is the head's loopback
      // port.
      env.put("RAY_ADDRESS", head.gcsAddress());
    }
    // /usr/bin/env looks the program up on the pod's PATH (the Ray runtime first), not the JVM's.
    List<String> viaEnv = new ArrayList<>();
    viaEnv.add("/usr/bin/env");
    viaEnv.addAll(command);
    return new ContainerCommand(PodProcesses.forExec(files, pod, container).wrapped(viaEnv), env);
  }

  @Override
  public String logs(Pod pod, String container) {
    RayNode node = nodes.get(ObjectKeys.of(pod));
    AutoscalerContainer autoscaler = autoscalers.get(ObjectKeys.of(pod));
    if (AutoscalerContainer.NAME.equals(container)) {
      Path own =
          autoscaler != null
              ? autoscaler.log()
              : ContainerLogs.file(logDir, pod, AutoscalerContainer.NAME);
      return read(own);
    }
    // SidecarMode's submitter container: what the emulated operator's submission printed for it.
    Optional<String> submitter = SubmitterLogs.of(ObjectKeys.of(pod), container);
    if (submitter.isPresent()) {
      return submitter.get();
    }
    if (SubmitterContainer.NAME.equals(container)) {
      return ""; // the operator has not submitted for it yet (its cluster is not ready)
    }
    if (!PodContainers.isFirst(pod, container)) {
      throw PodRuntimes.notRun(pod, container);
    }
    Path log = node != null ? node.logFile() : ContainerLogs.file(logDir, pod);
    return read(log);
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public Optional<URI> address(Pod pod, int containerPort) {
    RayNode node = nodes.get(ObjectKeys.of(pod));
    if (node == null) {
      return Optional.empty();
    }
    // The pod's ports are where its `ray start` flags put them (ray-cluster.auth.yaml moves the
    // dashboard to 8443 and puts a proxy on 8265); the node listens on free loopback ports.
    RayPodPorts ports = RayPodPorts.of(startParams(pod));
    if (containerPort == ports.dashboard() && node.isHead()) {
      return Optional.of(node.dashboardUrl());
    }
    int port = 0;
    if (containerPort == ports.gcs()) {
      port = node.ports().gcs();
    } else if (containerPort == ports.client()) {
      port = node.ports().client();
    } else if (containerPort == ports.metrics()) {
      port = node.ports().metricsExport();
    } else if (containerPort == ports.dashboardAgent()) {
      port = node.ports().dashboardAgentHttp();
    }
    return port == 0 ? Optional.empty() : Optional.of(URI.create("http://127.0.0.1:" + port));
  }

  @Override
  public Optional<URI> rayDashboard(Pod pod) {
    RayNode node = nodes.get(ObjectKeys.of(pod));
    return node != null && node.isHead() ? Optional.of(node.dashboardUrl()) : Optional.empty();
  }

  @Override
  public URI reach(Pod pod, int containerPort) {
    if (!nodes.containsKey(ObjectKeys.of(pod))) {
      throw new IllegalStateException(
          PodRuntime.nothingListens(
              pod,
              containerPort,
              "its Ray node is not running yet (starting, restarting after a crash, or waiting"
                  + " for its head); retry when the pod is Ready"));
    }
    return address(pod, containerPort)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    UnrunContainers.nothingListens(
                        pod, containerPort, RayPodPorts.of(startParams(pod)).describe())));
  }

  /**
   * The environment closes: no container restarts from now on, and every Ray process dies at once,
   * as when a k3s node's container is removed. Ray's graceful exit took 3 s of each close; the
   * stops and {@link #close} that follow only reap and clean up.
   */
  @Override
  public void halt() {
    closed = true;
    killAll();
  }

  @Override
  public int killAll() {
    // No worker restarting now may take a dying head's GCS for the head's: its GCS port can still
    // answer for a moment after the kill, and the worker's `ray start` then waited on a dead GCS.
    heads.clear();
    List<Long> roots = new ArrayList<>();
    nodes.values().forEach(n -> roots.add(n.pid()));
    autoscalers.values().forEach(a -> a.pid().ifPresent(roots::add));
    roots.addAll(execs.pids());
    return PowerLoss.kill(roots);
  }

  @Override
  public void close() {
    closed = true;
    execs.close();
    synchronized (this) {
      standbys.forEach(p -> p.standby().close());
      standbys.clear();
    }
    containerRestarts.shutdownNow();
    List.copyOf(autoscalers.values()).forEach(AutoscalerContainer::close);
    autoscalers.clear();
    // Workers before heads: a head's temp dir holds its workers' sockets.
    List<RayNode> all = new ArrayList<>(nodes.values());
    nodes.clear();
    all.stream().filter(n -> !n.isHead()).forEach(RayNode::stop);
    all.stream().filter(RayNode::isHead).forEach(RayNode::stop);
    heads.clear();
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The logs stay: they live in the environment's directory, which goes when the environment
    // closes.
  }
}
