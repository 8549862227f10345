package io.kuberay.harness.existing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.Internal;
import io.kuberay.harness.RayImages;
import io.kuberay.harness.install.InstallOptions;
import io.kuberay.harness.install.Installation;
import io.kuberay.harness.install.KubeRayInstaller;
import io.kuberay.harness.install.ManifestSources;
import io.kuberay.harness.install.Settings;
import io.kuberay.harness.realcluster.ClientConfigs;
import io.kuberay.harness.realcluster.RealClusterBackend;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster someone else runs (minikube, kind, a shared cluster), reached through a kubeconfig file
 * and context. It installs KubeRay only when no operator of that version is there, refuses to
 * install over another version unless {@code kuberay.install.force=true}, and on close removes only
 * the objects it created itself (never CRDs, never anything that was there before).
 */
@Internal
public final class ExistingBackend extends RealClusterBackend {

  /** Set to {@code true} to leave an operator the harness installed in place after the run. */
  public static final String KEEP = "kuberay.existing.keep";

  private static final Logger logger = LoggerFactory.getLogger(ExistingBackend.class);

  private final String kubeconfig;
  private final String description;
  private KubeRayInstaller installer;

  private ExistingBackend(KubernetesClient client, String kubeconfig, String description) {
    super(client);
    this.kubeconfig = kubeconfig;
    this.description = description;
  }

  /**
   * Connects to the cluster of the settings' kubeconfig and context (defaults: {@code $KUBECONFIG},
   * current context).
   */
  public static ExistingBackend start(EnvironmentSettings settings) {
    Path file = settings.kubeconfig().orElseGet(ExistingBackend::defaultKubeconfig);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "No kubeconfig at "
              + file
              + " for the existing-cluster backend. Set kuberay.kubeconfig to your cluster's kubeconfig"
              + " (and kuberay.context to its context), or use kuberay.backend=k3s or emulated.");
    }
    String context = settings.context().orElse(null);
    io.fabric8.kubernetes.api.model.Config parsed = KubeConfigUtils.parseConfig(file.toFile());
    if (context != null
        && parsed.getContexts().stream().noneMatch(c -> context.equals(c.getName()))) {
      throw new IllegalStateException(
          "The kubeconfig "
              + file
              + " has no context '"
              + context
              + "'. Its contexts: "
              + parsed.getContexts().stream().map(c -> c.getName()).toList()
              + " (kuberay.context).");
    }
    if (context != null) {
      parsed.setCurrentContext(context);
    }
    String yaml = new KubernetesSerialization().asYaml(parsed);
    Config config = ClientConfigs.withKeyAlgorithm(Config.fromKubeconfig(context, file.toFile()));
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    String description =
        "context "
            + Optional.ofNullable(context).orElse(parsed.getCurrentContext())
            + " of "
            + file
            + " ("
            + config.getMasterUrl()
            + ")";
    try {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      client.close();
      throw new IllegalStateException(
          "Cannot reach the cluster of " + description + ": " + e.getMessage(), e);
    }
    logger.info("Using the existing cluster of {}", description);
    return new ExistingBackend(client, yaml, description);
  }

  private static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env.split(File.pathSeparator)[0]);
    }
    return Path.of(System.getProperty("user.home"), ".kube", "config");
  }

  @Override
  public String kubeconfig() {
    return kubeconfig;
  }

  @Override
  public synchronized void installKubeRay(EnvironmentSettings settings) {
    installKubeRay(settings, InstallOptions.fromSystem(settings.startupTimeout()));
  }

  /** Installs with explicit options (the operator image, namespace, force). */
  public synchronized Installation installKubeRay(
      EnvironmentSettings settings, InstallOptions options) {
    if (installation().isPresent()) {
      throw new IllegalStateException(
          "KubeRay is already installed through this backend (" + description + ")");
    }
    installer = new KubeRayInstaller(client(), kubeconfig, ManifestSources.select(settings));
    return installed(
        installer.install(settings.kuberayVersion(), settings.installMethod(), options));
  }

  /**
   * {@code kuberay.ray.image} when set: the cluster pulls it; else the harness's pinned Ray image.
   */
  @Override
  public String rayImage() {
    return Settings.get(RayImages.IMAGE_PROPERTY).orElse(RayImages.DEFAULT_IMAGE);
  }

  @Override
  public synchronized void close() {
    closePodAccess();
    try {
      installation()
          .filter(made -> !made.reused() && !Settings.flag(KEEP))
          .ifPresent(installer::uninstall);
    } finally {
      client().close();
    }
  }
}
