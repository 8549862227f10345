package io.kuberay.harness.k3s;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.Internal;
import io.kuberay.harness.Waits;
import io.kuberay.harness.install.InstallOptions;
import io.kuberay.harness.install.Installation;
import io.kuberay.harness.install.KubeRayInstaller;
import io.kuberay.harness.install.ManifestSources;
import io.kuberay.harness.realcluster.ClientConfigs;
import io.kuberay.harness.realcluster.RealClusterBackend;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a Testcontainers container with the real KubeRay operator and real Ray pods. The images
 * the run needs come from the local Docker engine, so nothing is pulled inside the cluster:
 * imported by the node itself while it boots when its image carries them (the preloaded node
 * image), else side-loaded once it is up. A missing engine or image fails in seconds with a message
 * that says how to provide it. With {@code kuberay.k3s.reuse=true} the container outlives the JVM
 * and serves the next run of the same configuration ({@link ReuseKey}).
 */
@Internal
public final class K3sBackend extends RealClusterBackend {

  private static final Logger logger = LoggerFactory.getLogger(K3sBackend.class);
  private static final Duration REGISTRY_PROBE_TIMEOUT = Duration.ofSeconds(3);

  /**
   * Null when a kept container was found through the Docker API: it is then never exec'd or
   * stopped.
   */
  private final KubeRayK3sContainer node;

  private final String containerId;
  private final String kubeconfig;

  /** The container is one an earlier run kept ({@code kuberay.k3s.reuse=true}). */
  private final boolean reused;

  private final K3sImages images;
  private final NodeImagePlan plan;
  private final Path logFile;
  private final ImageSideloader loader;

  /** {@code kuberay.k3s.reuse=true}: the container outlives this backend. */
  private final boolean keep;

  /** With {@code keep}: this run's hold on the kept container, against concurrent sweeps. */
  private final ReuseLock reuseLock;

  /**
   * With {@code keep}, until KubeRay is installed: no other run starts this configuration
   * meanwhile.
   */
  private StartLock startLock;

  private K3sBackend(
      KubeRayK3sContainer node,
      String containerId,
      String kubeconfig,
      boolean reused,
      K3sImages images,
      NodeImagePlan plan,
      KubernetesClient client,
      Path logFile,
      ImageSideloader loader,
      ReuseLock reuseLock) {
    super(client);
    this.node = node;
    this.containerId = containerId;
    this.kubeconfig = kubeconfig;
    this.reused = reused;
    this.images = images;
    this.plan = plan;
    this.logFile = logFile;
    this.loader = loader;
    this.keep = reuseLock != null;
    this.reuseLock = reuseLock;
  }

  /**
   * Starts the node (or, with {@code kuberay.k3s.reuse=true}, finds the one an earlier run kept for
   * the same configuration) and waits for it to be Ready; images the node image does not carry are
   * side-loaded. Its log and image tars go to {@code workDir}.
   */
  public static K3sBackend start(EnvironmentSettings settings, Path workDir) {
    long t0 = System.nanoTime();
    DockerPreflight.requireDocker(DockerPreflight.dockerHost(), DockerPreflight.DEFAULT_TIMEOUT);
    boolean reuse = SettingsReader.flag(Setting.K3S_REUSE);
    if (!reuse) {
      return startNode(settings, workDir, t0, false);
    }
    StartLock startLock = StartLock.acquire(settings, ReuseLock.dir(), settings.startupTimeout());
    try {
      K3sBackend backend = startNode(settings, workDir, t0, true);
      if (settings.installMethod() == InstallMethod.NONE) {
        startLock.close(); // nothing to install: the node is all there is to set up
      } else {
        backend.startLock = startLock;
      }
      return backend;
    } catch (RuntimeException | Error e) {
      startLock.close();
      throw e;
    }
  }

  private static K3sBackend startNode(
      EnvironmentSettings settings, Path workDir, long t0, boolean reuse) {
    if (reuse) {
      Optional<K3sBackend> kept = startKept(settings, workDir, t0);
      if (kept.isPresent()) {
        return kept.get();
      }
    }
    // Beside Testcontainers' start and the node's boot, which leave the client's set-up waiting.
    StartWarmup.start(settings);
    OfflineTestcontainers.configure();
    if (reuse) {
      OfflineTestcontainers.allowReuse();
    }
    DockerClient docker = DockerClientFactory.instance().client();
    K3sImages images = K3sImages.resolve(settings, name -> present(docker, name));
    ensureAvailable(docker, images, settings.startupTimeout());
    NodeImagePlan plan =
        NodeImagePlan.of(
            images,
            name -> imageId(docker, name),
            preloadedNodes(docker, imageId(docker, images.node())));
    logger.info(
        "k3s images checked in {} ms: node image {}{}{}",
        ms(t0),
        plan.node(),
        plan.awaited().isEmpty() ? "" : ", which imports " + plan.awaited() + " while it boots",
        plan.sideload().isEmpty() ? ", nothing to side-load" : ", side-loading " + plan.sideload());
    Path logFile = workDir.resolve("k3s.log");
    KubeRayK3sContainer node =
        new KubeRayK3sContainer(
                DockerImageName.parse(plan.node()).asCompatibleSubstituteFor("rancher/k3s"))
            .withNodeReadyTimeout(settings.startupTimeout());
    node.withStartupTimeout(settings.startupTimeout());
    node.withLogConsumer(frame -> appendLog(logFile, frame));
    if (plan.preloaded().isPresent()) {
      // Only what this run needs: a stale or unneeded copy in the image costs no import.
      node.withEnv(
          PreloadedNode.ONLY_ENV,
          plan.awaited().stream()
              .map(plan::id)
              .map(PreloadedNode::hex)
              .collect(Collectors.joining(",")));
    }
    ReuseKey key =
        new ReuseKey(
            imageId(docker, plan.node()),
            plan.ids(),
            images.aliases(),
            settings.kuberayVersion().toString(),
            settings.installMethod().toString());
    if (reuse) {
      node.withReuse(true).withLabels(key.labels());
      int keepAtMost = KeptNodeLimit.configured();
      try {
        new KeptNodeLimit(docker, ReuseLock.dir()).trim(key.hash(), keepAtMost);
      } catch (RuntimeException e) {
        // Housekeeping: the run goes on with one kept container more.
        logger.warn(
            "Could not remove kept k3s containers beyond kuberay.k3s.reuse.keep: {}", e.toString());
      }
    }
    try {
      long t1 = System.nanoTime();
      node.start();
      long running = node.runningNanos();
      if (node.isReused()) {
        logger.info(
            "Reusing the k3s environment in container {} (kuberay.k3s.reuse=true, configuration {}), found in {} ms: operator kept,"
                + " the previous run's namespaces are removed next; stop it with: docker rm -f -v {}",
            shortId(node.getContainerId()),
            key.hash(),
            ms(t1),
            shortId(node.getContainerId()));
      } else {
        logger.info(
            "k3s node {}: container running in {} ms, node Ready {} ms later (container log: {})",
            plan.node(),
            (running - t1) / 1_000_000,
            (System.nanoTime() - running) / 1_000_000,
            logFile);
      }
      KubernetesClient client = ClientConfigs.client(node.getKubeConfigYaml());
      ReuseLock lock = null;
      if (reuse) {
        lock = ReuseLock.of(key.hash());
        lock.share(settings.startupTimeout());
      }
      K3sBackend backend =
          new K3sBackend(
              node,
              node.getContainerId(),
              node.getKubeConfigYaml(),
              node.isReused(),
              images,
              plan,
              client,
              logFile,
              new ImageSideloader(docker, node, workDir),
              lock);
      if (!node.isReused()) {
        plan.sideload().forEach(backend.loader::load);
      }
      logger.info("k3s environment up in {} ms (KubeRay not installed yet)", ms(t0));
      return backend;
    } catch (RuntimeException e) {
      String tail = tail(logFile, 30);
      node.stop();
      throw new IllegalStateException(
          "The k3s node "
              + plan.node()
              + " did not start: "
              + e.getMessage()
              + (tail.isEmpty() ? "" : "\nLast lines of its log:\n" + tail),
          e);
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** The 12 characters Docker shows of a container ID. */
  static String shortId(String id) {
    return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
  }

  /**
   * The kept container of this configuration, found through the Docker API without Testcontainers
   * (whose client costs seconds of class loading in a fresh JVM); empty to start the usual way,
   * which finds a kept container too, when there is none or the quick lookup cannot tell.
   */
  private static Optional<K3sBackend> startKept(
      EnvironmentSettings settings, Path workDir, long t0) {
    Optional<DockerEngineApi> api = DockerEngineApi.forHost(DockerPreflight.dockerHost());
    if (api.isEmpty()) {
      return Optional.empty();
    }
    Optional<KeptNodeLookup.Found> found;
    try {
      found = new KeptNodeLookup(api.get()).find(settings);
    } catch (IOException | RuntimeException e) {
      logger.info(
          "Looking for a kept k3s container through the Docker API failed ({}); asking Testcontainers",
          e.toString());
      return Optional.empty();
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    KeptNodeLookup.Found kept = found.get();
    long looked = System.nanoTime();
    KubernetesClient client = ClientConfigs.client(kept.kubeconfig());
    try {
      NodeReadiness.await(client, shortId(kept.containerId()), settings.startupTimeout());
    } catch (RuntimeException e) {
      client.close();
      logger.info(
          "The kept k3s container {} does not serve a Ready node ({}); asking Testcontainers",
          shortId(kept.containerId()),
          e.getMessage());
      return Optional.empty();
    }
    ReuseLock lock = ReuseLock.of(kept.key().hash());
    lock.share(settings.startupTimeout());
    logger.info(
        "Reusing the k3s environment in container {} (kuberay.k3s.reuse=true, configuration {}), found through the Docker API in {} ms"
            + " (its node Ready through the API {} ms later): operator kept, the previous run's namespaces are removed next;"
            + " stop it with: docker rm -f -v {}",
        shortId(kept.containerId()),
        kept.key().hash(),
        (looked - t0) / 1_000_000,
        ms(looked),
        shortId(kept.containerId()));
    return Optional.of(
        new K3sBackend(
            null,
            kept.containerId(),
            kept.kubeconfig(),
            true,
            kept.images(),
            kept.plan(),
            client,
            workDir.resolve("k3s.log"),
            null,
            lock));
  }

  private static String imageId(DockerClient docker, String image) {
    return docker.inspectImageCmd(image).exec().getId();
  }

  /**
   * The local preloaded variants of the node image {@code baseId} ({@code images/build-images.sh
   * node-preloaded}).
   */
  private static List<PreloadedNode> preloadedNodes(DockerClient docker, String baseId) {
    return docker
        .listImagesCmd()
        .withLabelFilter(Map.of(PreloadedNode.BASE_LABEL, baseId))
        .exec()
        .stream()
        .flatMap(
            i ->
                PreloadedNode.fromListing(
                    i.getRepoTags() == null ? List.of() : Arrays.asList(i.getRepoTags()),
                    i.getLabels())
                    .stream())
        .toList();
  }

  private static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * Pulls what is missing when its registry answers; otherwise fails at once naming every missing
   * image.
   */
  private static void ensureAvailable(DockerClient docker, K3sImages images, Duration timeout) {
    List<String> missing =
        images.all().stream().distinct().filter(i -> !present(docker, i)).toList();
    List<String> unreachable =
        missing.stream().filter(i -> !RegistryProbe.reachable(i, REGISTRY_PROBE_TIMEOUT)).toList();
    if (!unreachable.isEmpty()) {
      throw new BackendUnavailableException(
          "The k3s backend needs images that the local Docker engine does not have and whose registry cannot be reached: "
              + String.join(", ", unreachable),
          "Build the harness's local images with images/build-images.sh (node, operator, Ray;"
              + " see docs/IMAGES.md), 'docker load' them from a tarball, or name images you have with -Dkuberay.k3s.image,"
              + " -D"
              + K3sImages.OPERATOR_IMAGE
              + ", -D"
              + K3sImages.RAY_IMAGE
              + " (extra images: -D"
              + K3sImages.LOAD
              + ").");
    }
    for (String image : missing) {
      logger.info("Pulling {} into the local Docker engine", image);
      try {
        if (!docker
            .pullImageCmd(image)
            .start()
            .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("Pulling " + image + " did not finish within " + timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while pulling " + image, e);
      }
    }
  }

  private static void appendLog(Path file, OutputFrame frame) {
    try {
      Files.writeString(
          file,
          frame.getUtf8String(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // diagnostics only
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The upstream name the local Ray image is tagged with inside the node, else the Ray image
   * itself.
   */
  @Override
  public String rayImage() {
    return images.aliases().getOrDefault(images.ray(), images.ray());
  }

  /** The images this environment side-loaded and the names they go by. */
  public K3sImages images() {
    return images;
  }

  /** The node container's log, kept for diagnostics after the run. */
  public Path logFile() {
    return logFile;
  }

  @Override
  public String kubeconfig() {
    return kubeconfig;
  }

  @Override
  public synchronized void installKubeRay(EnvironmentSettings settings) {
    installKubeRay(
        settings,
        InstallOptions.fromSystem(settings.startupTimeout()).withOperatorImage(images.operator()));
  }

  /**
   * Installs with explicit options. The operator image must be in the node first; the Ray image the
   * node may still be importing meanwhile, and is waited for before this returns.
   */
  public synchronized Installation installKubeRay(
      EnvironmentSettings settings, InstallOptions options) {
    try {
      return install(settings, options);
    } finally {
      releaseStartLock();
    }
  }

  private synchronized void releaseStartLock() {
    if (startLock != null) {
      startLock.close();
      startLock = null;
    }
  }

  private Installation install(EnvironmentSettings settings, InstallOptions options) {
    long start = System.nanoTime();
    Duration timeout = settings.startupTimeout();
    if (!reused) {
      awaitImported(List.of(images.operator()), timeout);
    }
    Installation made =
        installed(
            new KubeRayInstaller(client(), kubeconfig(), ManifestSources.select(settings))
                .install(settings.kuberayVersion(), settings.installMethod(), options));
    logger.info("KubeRay {} operator available in {} ms", settings.kuberayVersion(), ms(start));
    if (!reused) {
      long wait = System.nanoTime();
      awaitImported(plan.awaited(), timeout);
      loader.alias(images.aliases());
      logger.info("Images the node imports at boot ready {} ms after the operator", ms(wait));
    }
    if (keep) {
      NamespaceSweep sweep = new NamespaceSweep(client());
      if (!reused) {
        sweep.record();
      } else if (reuseLock.tryAlone()) {
        long t = System.nanoTime();
        Set<String> removed = sweep.sweep(made.namespace(), timeout, true);
        logger.info(
            "Reused k3s environment: removed the previous run's namespaces {} and Ray objects in {} ms",
            removed,
            ms(t));
      } else {
        logger.info(
            "Reused k3s environment: another run uses it now, so earlier runs' namespaces are kept"
                + " (the first run that finds it alone removes them)");
      }
      reuseLock.share(timeout);
    }
    return made;
  }

  /**
   * Whether this backend runs in a container an earlier run kept ({@code kuberay.k3s.reuse=true}).
   */
  public boolean reused() {
    return reused;
  }

  /** Whether the kept container was found through the Docker API, without Testcontainers. */
  boolean foundThroughDockerApi() {
    return node == null;
  }

  /** The node's container ID. */
  public String containerId() {
    return containerId;
  }

  /**
   * Waits until the node has imported each of {@code wanted} it carries; side-loads one whose
   * import failed.
   */
  private void awaitImported(List<String> wanted, Duration timeout) {
    for (String image : wanted) {
      if (!plan.awaited().contains(image)) {
        continue;
      }
      String id = plan.id(image);
      String state =
          Waits.until(
              "image " + image + " (" + id + ") in k3s node " + shortId(containerId),
              "imported by the node at boot",
              timeout,
              () ->
                  exec(
                      "if [ -e "
                          + PreloadedNode.doneMarker(id)
                          + " ]; then echo done; elif [ -e "
                          + PreloadedNode.failedMarker(id)
                          + " ]; then echo failed; else echo importing; fi"),
              s -> !s.equals("importing"),
              s -> s,
              null);
      if (!state.equals("done")) {
        logger.warn(
            "The k3s node did not import {} at boot ({}; see /var/log/kube-node/preloaded.log in the container); side-loading it",
            image,
            state);
        loader.load(image);
      }
    }
  }

  private String exec(String script) {
    try {
      ExecResult result = node.execInContainer("sh", "-c", script);
      return result.getExitCode() == 0
          ? result.getStdout().trim()
          : "exec failed: " + result.getStderr().trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot exec in the k3s node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while checking the k3s node's images", e);
    }
  }

  @Override
  public void close() {
    releaseStartLock();
    closePodAccess();
    if (keep && !reuseLock.tryAlone()) {
      logger.info(
          "Another run uses the kept k3s environment: this run's namespaces stay until a run finds"
              + " it alone");
    } else if (keep) {
      // Deleted now, so that the next run seldom has to wait for them; it sweeps again in case this
      // JVM dies first.
      installation()
          .ifPresent(
              i -> {
                try {
                  logger.info(
                      "Deleting this run's namespaces {} from the kept k3s environment",
                      new NamespaceSweep(client()).sweep(i.namespace(), Duration.ZERO, false));
                } catch (RuntimeException e) {
                  logger.warn(
                      "Could not delete this run's namespaces from the kept k3s environment (the next run will): {}",
                      e.toString());
                }
              });
    }
    client().close();
    if (keep) {
      reuseLock.close();
      logger.info(
          "k3s container {} keeps running for the next run (kuberay.k3s.reuse=true); stop it with: docker rm -f -v {}",
          shortId(containerId),
          shortId(containerId));
    } else if (node != null) {
      node.stop();
    }
    // The log stays with the environment's directory, which the environment removes.
  }

  /** The node container's log so far, for diagnostics. */
  public String containerLog() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
