package io.kuberay.harness;

import io.kuberay.harness.settings.Durations;
import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that identifies one environment. Immutable; two equal settings share one started
 * environment in {@link KubeRayEnvironments}. Start from {@link #defaults()} and change one value
 * at a time with the {@code with…} methods (or {@link KubeRayEnvironment#builder()}); there is no
 * positional constructor, so adding a setting touches this class only.
 */
public final class EnvironmentSettings {

  /** The k3s image used when none is configured; never {@code latest}. */
  public static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

  private final BackendType backend;
  private final KubeRayVersion kuberayVersion;
  private final InstallMethod installMethod;
  private final Optional<Path> manifestsDir;
  private final NodeCapacity nodeCapacity;
  private final RayMode rayMode;
  private final Optional<Path> kubeconfig;
  private final Optional<String> context;
  private final String k3sImage;
  private final Duration startupTimeout;
  private final List<UserImage> userImages;

  private EnvironmentSettings(
      BackendType backend,
      KubeRayVersion kuberayVersion,
      InstallMethod installMethod,
      Optional<Path> manifestsDir,
      NodeCapacity nodeCapacity,
      RayMode rayMode,
      Optional<Path> kubeconfig,
      Optional<String> context,
      String k3sImage,
      Duration startupTimeout,
      List<UserImage> userImages) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.kuberayVersion = Objects.requireNonNull(kuberayVersion, "kuberayVersion");
    this.installMethod = Objects.requireNonNull(installMethod, "installMethod");
    this.manifestsDir = Objects.requireNonNull(manifestsDir, "manifestsDir");
    this.nodeCapacity = Objects.requireNonNull(nodeCapacity, "nodeCapacity");
    this.rayMode = Objects.requireNonNull(rayMode, "rayMode");
    this.kubeconfig = Objects.requireNonNull(kubeconfig, "kubeconfig");
    this.context = Objects.requireNonNull(context, "context");
    this.k3sImage = Objects.requireNonNull(k3sImage, "k3sImage");
    this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
    this.userImages = List.copyOf(Objects.requireNonNull(userImages, "userImages"));
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
    }
  }

  /**
   * The defaults: emulated backend, KubeRay v1.1.0 by kustomize, bundled manifests, Ray if
   * available.
   */
  public static EnvironmentSettings defaults() {
    return new EnvironmentSettings(
        BackendType.EMULATED,
        KubeRayVersion.DEFAULT,
        InstallMethod.KUSTOMIZE,
        Optional.empty(),
        NodeCapacity.ofThisMachine(),
        RayMode.AUTO,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_K3S_IMAGE,
        Duration.ofMinutes(5),
        List.of());
  }

  /** Where the cluster comes from. */
  public BackendType backend() {
    return backend;
  }

  /** The KubeRay release to install. */
  public KubeRayVersion kuberayVersion() {
    return kuberayVersion;
  }

  /** Kustomize bundle or Helm chart. */
  public InstallMethod installMethod() {
    return installMethod;
  }

  /**
   * A directory of KubeRay release data ({@code <dir>/v1.1.0/kustomize-default.yaml}), empty for
   * the bundled copy.
   */
  public Optional<Path> manifestsDir() {
    return manifestsDir;
  }

  /** The emulated node's allocatable CPU and memory. */
  public NodeCapacity nodeCapacity() {
    return nodeCapacity;
  }

  /** Whether emulated pods run real Ray processes. */
  public RayMode rayMode() {
    return rayMode;
  }

  /** For the existing backend: the kubeconfig file, empty for the default. */
  public Optional<Path> kubeconfig() {
    return kubeconfig;
  }

  /** For the existing backend: the context, empty for the current one. */
  public Optional<String> context() {
    return context;
  }

  /** For the k3s backend: the k3s image. */
  public String k3sImage() {
    return k3sImage;
  }

  /** How long the backend and the operator may take to become ready. */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /**
   * What the user's own images hold on the emulated backend, first match wins; other backends run
   * the real images.
   */
  public List<UserImage> userImages() {
    return userImages;
  }

  /** The user image {@code image} names, if one is mapped (the first that matches). */
  public Optional<UserImage> userImage(String image) {
    return userImages.stream().filter(u -> u.matches(image)).findFirst();
  }

  public EnvironmentSettings withBackend(BackendType value) {
    return new EnvironmentSettings(
        value,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withKuberayVersion(KubeRayVersion value) {
    return new EnvironmentSettings(
        backend,
        value,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withInstallMethod(InstallMethod value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        value,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  /** Release data from this directory instead of the bundled copy; empty for the bundled copy. */
  public EnvironmentSettings withManifestsDir(Optional<Path> value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        value,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withNodeCapacity(NodeCapacity value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        value,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withRayMode(RayMode value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        value,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  /** The existing backend's kubeconfig; empty for {@code KUBECONFIG} or {@code ~/.kube/config}. */
  public EnvironmentSettings withKubeconfig(Optional<Path> value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        value,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  /** The existing backend's context; empty for the current one. */
  public EnvironmentSettings withContext(Optional<String> value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        value,
        k3sImage,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withK3sImage(String value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        value,
        startupTimeout,
        userImages);
  }

  public EnvironmentSettings withStartupTimeout(Duration value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        value,
        userImages);
  }

  /** These settings with exactly these user images (see {@link UserImage}). */
  public EnvironmentSettings withUserImages(List<UserImage> value) {
    return new EnvironmentSettings(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        value);
  }

  /**
   * These settings with {@code image} mapped too; it replaces a mapping of the same pattern and
   * comes first otherwise.
   */
  public EnvironmentSettings withUserImage(UserImage image) {
    List<UserImage> all = new ArrayList<>();
    all.add(Objects.requireNonNull(image, "image"));
    userImages.stream().filter(u -> !u.pattern().equals(image.pattern())).forEach(all::add);
    return withUserImages(all);
  }

  /**
   * These settings with every value given from outside (system property, JUnit configuration
   * parameter, environment variable; see {@link SettingsReader}) put over them; the outside wins so
   * that one test runs unchanged on another backend.
   */
  public EnvironmentSettings withExternalOverrides() {
    return withOverridesFrom(SettingsReader.current());
  }

  EnvironmentSettings withOverridesFrom(SettingsReader config) {
    return withBackend(config.value(Setting.BACKEND).map(BackendType::of).orElse(backend))
        .withKuberayVersion(
            config.value(Setting.VERSION).map(KubeRayVersion::of).orElse(kuberayVersion))
        .withInstallMethod(
            config.value(Setting.INSTALL).map(InstallMethod::of).orElse(installMethod))
        .withManifestsDir(config.value(Setting.MANIFESTS_DIR).map(Path::of).or(() -> manifestsDir))
        .withNodeCapacity(
            new NodeCapacity(
                config.value(Setting.NODE_CPU).orElse(nodeCapacity.cpu()),
                config.value(Setting.NODE_MEMORY).orElse(nodeCapacity.memory()),
                config
                    .value(Setting.NODE_RESOURCES)
                    .map(t -> NodeCapacity.pairs(Setting.NODE_RESOURCES.key(), t))
                    .orElse(nodeCapacity.extendedResources()),
                config
                    .value(Setting.NODE_LABELS)
                    .map(t -> NodeCapacity.pairs(Setting.NODE_LABELS.key(), t))
                    .orElse(nodeCapacity.labels()),
                config
                    .value(Setting.NODE_TAINTS)
                    .map(NodeCapacity::taintList)
                    .orElse(nodeCapacity.taints())))
        .withRayMode(config.value(Setting.RAY).map(RayMode::of).orElse(rayMode))
        .withKubeconfig(config.value(Setting.KUBECONFIG).map(Path::of).or(() -> kubeconfig))
        .withContext(config.value(Setting.CONTEXT).or(() -> context))
        .withK3sImage(config.value(Setting.K3S_IMAGE).orElse(k3sImage))
        .withStartupTimeout(
            config.value(Setting.STARTUP_TIMEOUT).map(Durations::parse).orElse(startupTimeout))
        .withUserImagesFrom(config.value(Setting.PODS_IMAGES));
  }

  /** The setting's mappings over the code's: the same pattern is replaced, the setting's first. */
  private EnvironmentSettings withUserImagesFrom(Optional<String> setting) {
    if (setting.isEmpty()) {
      return this;
    }
    List<UserImage> given = UserImage.parseAll(Setting.PODS_IMAGES.key(), setting.get());
    EnvironmentSettings s = this;
    for (int i = given.size() - 1; i >= 0; i--) {
      s = s.withUserImage(given.get(i));
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvironmentSettings s
        && backend == s.backend
        && kuberayVersion.equals(s.kuberayVersion)
        && installMethod == s.installMethod
        && manifestsDir.equals(s.manifestsDir)
        && nodeCapacity.equals(s.nodeCapacity)
        && rayMode == s.rayMode
        && kubeconfig.equals(s.kubeconfig)
        && context.equals(s.context)
        && k3sImage.equals(s.k3sImage)
        && startupTimeout.equals(s.startupTimeout)
        && userImages.equals(s.userImages);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        backend,
        kuberayVersion,
        installMethod,
        manifestsDir,
        nodeCapacity,
        rayMode,
        kubeconfig,
        context,
        k3sImage,
        startupTimeout,
        userImages);
  }

  @Override
  public String toString() {
    return "EnvironmentSettings[backend="
        + backend
        + ", kuberayVersion="
        + kuberayVersion
        + ", installMethod="
        + installMethod
        + ", manifestsDir="
        + manifestsDir
        + ", nodeCapacity="
        + nodeCapacity
        + ", rayMode="
        + rayMode
        + ", kubeconfig="
        + kubeconfig
        + ", context="
        + context
        + ", k3sImage="
        + k3sImage
        + ", startupTimeout="
        + startupTimeout
        + (userImages.isEmpty() ? "" : ", userImages=" + userImages)
        + "]";
  }

  /**
   * The property names; each also reads from the environment variable of the same name in upper
   * snake case.
   */
  public static final class Keys {
    public static final String BACKEND = "kuberay.backend";

    /**
     * {@code true}: when the backend cannot start on this machine (no Docker, missing images) the
     * test adapters skip with the reason instead of failing, e.g. for a build's extra k3s run on a
     * machine without Docker.
     */
    public static final String BACKEND_OPTIONAL = "kuberay.backend.optional";

    public static final String VERSION = "kuberay.version";
    public static final String INSTALL = "kuberay.install";
    public static final String MANIFESTS_DIR = "kuberay.manifests.dir";
    public static final String NODE_CPU = "kuberay.node.cpu";
    public static final String NODE_MEMORY = "kuberay.node.memory";

    /** Extended resources of the emulated node, e.g. {@code nvidia.com/gpu=4,google.com/tpu=8}. */
    public static final String NODE_RESOURCES = "kuberay.node.resources";

    /**
     * Extra labels of the emulated node, e.g. {@code cloud.google.com/gke-accelerator=nvidia-l4}.
     */
    public static final String NODE_LABELS = "kuberay.node.labels";

    /** Taints of the emulated node, e.g. {@code nvidia.com/gpu=present:NoSchedule}. */
    public static final String NODE_TAINTS = "kuberay.node.taints";

    public static final String RAY = "kuberay.ray";
    public static final String KUBECONFIG = "kuberay.kubeconfig";
    public static final String CONTEXT = "kuberay.context";
    public static final String K3S_IMAGE = "kuberay.k3s.image";
    public static final String STARTUP_TIMEOUT = "kuberay.startup.timeout";

    private Keys() {}
  }
}
