package io.kuberay.harness.k3s;

import io.kuberay.harness.Internal;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.realcluster.ClientConfigs;
import io.kuberay.harness.realcluster.RealClusterBackend;
import io.kuberay.harness.install.InstallOptions;
import io.kuberay.harness.install.Installation;
import io.kuberay.harness.install.KubeRayInstaller;
import io.kuberay.harness.install.ManifestSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a Testcontainers container with the real KubeRay operator and real Ray pods. The images the run
 * needs are side-loaded from the local Docker engine, so nothing is pulled inside the cluster; a missing
 * engine or image fails in seconds with a message that says how to provide it.
 */
@Internal
public final class K3sBackend extends RealClusterBackend {

  private static final Logger logger = LoggerFactory.getLogger(K3sBackend.class);
  private static final Duration REGISTRY_PROBE_TIMEOUT = Duration.ofSeconds(3);

  private final KubeRayK3sContainer node;
  private final K3sImages images;
  private final Path logFile;

  private K3sBackend(KubeRayK3sContainer node, K3sImages images, KubernetesClient client, Path logFile) {
    super(client);
    this.node = node;
    this.images = images;
    this.logFile = logFile;
  }

  /** Starts the node, waits for it to be Ready and side-loads the images; its log and image tars go to {@code workDir}. */
  public static K3sBackend start(EnvironmentSettings settings, Path workDir) {
    long t0 = System.nanoTime();
    DockerPreflight.requireDocker(DockerPreflight.dockerHost(), DockerPreflight.DEFAULT_TIMEOUT);
    OfflineTestcontainers.configure();
    DockerClient docker = DockerClientFactory.instance().client();
    K3sImages images = K3sImages.resolve(settings, name -> present(docker, name));
    ensureAvailable(docker, images, settings.startupTimeout());
    Path logFile = workDir.resolve("k3s.log");
    KubeRayK3sContainer node = new KubeRayK3sContainer(DockerImageName.parse(images.node()).asCompatibleSubstituteFor("rancher/k3s"))
        .withNodeReadyTimeout(settings.startupTimeout());
    node.withStartupTimeout(settings.startupTimeout());
    node.withLogConsumer(frame -> appendLog(logFile, frame));
    try {
      node.start();
      logger.info("k3s node {} Ready in {} ms (container log: {})", images.node(), (System.nanoTime() - t0) / 1_000_000, logFile);
      KubernetesClient client = ClientConfigs.client(node.getKubeConfigYaml());
      K3sBackend backend = new K3sBackend(node, images, client, logFile);
      ImageSideloader loader = new ImageSideloader(docker, node, workDir);
      images.sideloaded().forEach(loader::load);
      loader.alias(images.aliases());
      return backend;
    } catch (RuntimeException e) {
      String tail = tail(logFile, 30);
      node.stop();
      throw new IllegalStateException("The k3s node " + images.node() + " did not start: " + e.getMessage()
          + (tail.isEmpty() ? "" : "\nLast lines of its log:\n" + tail), e);
    }
  }

  private static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Pulls what is missing when its registry answers; otherwise fails at once naming every missing image. */
  private static void ensureAvailable(DockerClient docker, K3sImages images, Duration timeout) {
    List<String> missing = images.all().stream().distinct().filter(i -> !present(docker, i)).toList();
    List<String> unreachable = missing.stream().filter(i -> !RegistryProbe.reachable(i, REGISTRY_PROBE_TIMEOUT)).toList();
    if (!unreachable.isEmpty()) {
      throw new BackendUnavailableException(
          "The k3s backend needs images that the local Docker engine does not have and whose registry cannot be reached: "
              + String.join(", ", unreachable),
          "Build the harness's local images with images/build-images.sh (node, operator, Ray;"
              + " see docs/IMAGES.md), 'docker load' them from a tarball, or name images you have with -Dkuberay.k3s.image,"
              + " -D" + K3sImages.OPERATOR_IMAGE + ", -D" + K3sImages.RAY_IMAGE + " (extra images: -D" + K3sImages.LOAD + ").");
    }
    for (String image : missing) {
      logger.info("Pulling {} into the local Docker engine", image);
      try {
        if (!docker.pullImageCmd(image).start().awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
      Files.writeString(file, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // diagnostics only
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream().collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "";
    }
  }

  /** The upstream name the local Ray image is tagged with inside the node, else the Ray image itself. */
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
    return node.getKubeConfigYaml();
  }

  @Override
  public synchronized void installKubeRay(EnvironmentSettings settings) {
    installKubeRay(settings, InstallOptions.fromSystem(settings.startupTimeout()).withOperatorImage(images.operator()));
  }

  /** Installs with explicit options. */
  public synchronized Installation installKubeRay(EnvironmentSettings settings, InstallOptions options) {
    long start = System.nanoTime();
    Installation made = installed(new KubeRayInstaller(client(), kubeconfig(), ManifestSources.select(settings))
        .install(settings.kuberayVersion(), settings.installMethod(), options));
    logger.info("KubeRay {} operator available in {} ms", settings.kuberayVersion(), (System.nanoTime() - start) / 1_000_000);
    return made;
  }

  @Override
  public void close() {
    closePodAccess();
    client().close();
    node.stop();
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
