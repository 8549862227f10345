package io.kuberay.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that identifies one environment. Immutable; two equal settings share one started environment
 * in {@link KubeRayEnvironments}.
 *
 * @param backend         where the cluster comes from
 * @param kuberayVersion  the KubeRay release to install
 * @param installMethod   kustomize bundle or Helm chart
 * @param manifestsDir    a directory of KubeRay release data ({@code <dir>/v1.1.0/kustomize-default.yaml}),
 *                        empty for the bundled copy
 * @param nodeCapacity    the emulated node's allocatable CPU, memory and extended resources, labels and taints
 * @param rayMode         whether emulated pods run real Ray processes
 * @param kubeconfig      for the existing backend: the kubeconfig file, empty for the default
 * @param context         for the existing backend: the context, empty for the current one
 * @param k3sImage        for the k3s backend: the k3s image
 * @param startupTimeout  how long the backend and the operator may take to become ready
 */
public record EnvironmentSettings(
    BackendType backend,
    KubeRayVersion kuberayVersion,
    InstallMethod installMethod,
    Optional<Path> manifestsDir,
    NodeCapacity nodeCapacity,
    RayMode rayMode,
    Optional<Path> kubeconfig,
    Optional<String> context,
    String k3sImage,
    Duration startupTimeout) {

  /** The k3s image used when none is configured; never {@code latest}. */
  public static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

  public EnvironmentSettings {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(kuberayVersion, "kuberayVersion");
    Objects.requireNonNull(installMethod, "installMethod");
    Objects.requireNonNull(manifestsDir, "manifestsDir");
    Objects.requireNonNull(nodeCapacity, "nodeCapacity");
    Objects.requireNonNull(rayMode, "rayMode");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(k3sImage, "k3sImage");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
    }
  }

  /** The defaults: emulated backend, KubeRay v1.1.0 by kustomize, bundled manifests, Ray if available. */
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
        Duration.ofMinutes(5));
  }

  /**
   * These settings with every value given from outside (system properties, then environment variables)
   * put over them; the outside wins so that one test runs unchanged on another backend.
   */
  public EnvironmentSettings withExternalOverrides() {
    return withOverridesFrom(ExternalConfig.system());
  }

  EnvironmentSettings withOverridesFrom(ExternalConfig config) {
    return new EnvironmentSettings(
        config.get(Keys.BACKEND).map(BackendType::of).orElse(backend),
        config.get(Keys.VERSION).map(KubeRayVersion::of).orElse(kuberayVersion),
        config.get(Keys.INSTALL).map(InstallMethod::of).orElse(installMethod),
        config.get(Keys.MANIFESTS_DIR).map(Path::of).or(() -> manifestsDir),
        new NodeCapacity(
            config.get(Keys.NODE_CPU).orElse(nodeCapacity.cpu()),
            config.get(Keys.NODE_MEMORY).orElse(nodeCapacity.memory()),
            config.get(Keys.NODE_RESOURCES).map(t -> NodeCapacity.pairs(Keys.NODE_RESOURCES, t)).orElse(nodeCapacity.extendedResources()),
            config.get(Keys.NODE_LABELS).map(t -> NodeCapacity.pairs(Keys.NODE_LABELS, t)).orElse(nodeCapacity.labels()),
            config.get(Keys.NODE_TAINTS).map(NodeCapacity::taintList).orElse(nodeCapacity.taints())),
        config.get(Keys.RAY).map(RayMode::of).orElse(rayMode),
        config.get(Keys.KUBECONFIG).map(Path::of).or(() -> kubeconfig),
        config.get(Keys.CONTEXT).or(() -> context),
        config.get(Keys.K3S_IMAGE).orElse(k3sImage),
        config.get(Keys.STARTUP_TIMEOUT).map(Durations::parse).orElse(startupTimeout));
  }

  /** The property names; each also reads from the environment variable of the same name in upper snake case. */
  public static final class Keys {
    public static final String BACKEND = "kuberay.backend";
    /**
     * {@code true}: when the backend cannot start on this machine (no Docker, missing images) the test adapters
     * skip with the reason instead of failing, e.g. for a build's extra k3s run on a machine without Docker.
     */
    public static final String BACKEND_OPTIONAL = "kuberay.backend.optional";
    public static final String VERSION = "kuberay.version";
    public static final String INSTALL = "kuberay.install";
    public static final String MANIFESTS_DIR = "kuberay.manifests.dir";
    public static final String NODE_CPU = "kuberay.node.cpu";
    public static final String NODE_MEMORY = "kuberay.node.memory";
    /** Extended resources of the emulated node, e.g. {@code nvidia.com/gpu=4,google.com/tpu=8}. */
    public static final String NODE_RESOURCES = "kuberay.node.resources";
    /** Extra labels of the emulated node, e.g. {@code cloud.google.com/gke-accelerator=nvidia-l4}. */
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
