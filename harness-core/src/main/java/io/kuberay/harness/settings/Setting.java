package io.kuberay.harness.settings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry of every {@code kuberay.*} setting: its name, environment variable, default and
 * meaning. A setting that is not here cannot be read ({@link SettingsReader} rejects it), and
 * docs/CONFIGURATION.md lists exactly these (a test compares them).
 */
public enum Setting {
  BACKEND("kuberay.backend", "emulated", "emulated, k3s or existing"),
  BACKEND_OPTIONAL(
      "kuberay.backend.optional",
      "false",
      "true: skip @KubeRayTest classes and scenarios whose backend cannot start here"),
  VERSION("kuberay.version", "v1.1.0", "the KubeRay release"),
  INSTALL(
      "kuberay.install",
      "kustomize",
      "kustomize, helm, or none (the emulated cluster starts empty; the operator you install runs)"),
  STARTUP_TIMEOUT(
      "kuberay.startup.timeout",
      "5m",
      "how long a backend and the operator may take to become ready"),
  ENVIRONMENTS_IDLE(
      "kuberay.environments.idle",
      "3",
      "shared environments kept open after their last test class or scenario released them, for the next one with the same settings; the least recently used beyond this are closed"),
  DIAGNOSTICS_DIR(
      "kuberay.diagnostics.dir",
      "target/kuberay-diagnostics",
      "where failed tests and scenarios write their diagnostics bundle"),
  REUSE_ENVIRONMENT(
      "kuberay.reuse.environment", "the annotation's", "overrides @KubeRayTest(reuseEnvironment)"),
  NAMESPACE_PER_CLASS(
      "kuberay.namespace.per.class",
      "the annotation's",
      "overrides @KubeRayTest(namespacePerClass)"),
  K3S_REQUIRED(
      "kuberay.k3s.required",
      "false",
      "true: the k3s tests fail instead of skipping when Docker or the images are missing"),
  MANIFESTS_DIR("kuberay.manifests.dir", "unset", "a folder of KubeRay release data"),
  MANIFESTS_SOURCE("kuberay.manifests.source", "upstream", "upstream or classpath"),
  MANIFESTS_URL("kuberay.manifests.url", "unset", "a mirror of the rendered kustomize bundle"),
  MANIFESTS_CACHE(
      "kuberay.manifests.cache",
      "~/.cache/kuberay-harness/manifests",
      "where downloads are cached"),
  MANIFESTS_DOWNLOAD_TIMEOUT("kuberay.manifests.download.timeout", "10", "seconds per download"),
  OPERATOR_NAMESPACE(
      "kuberay.operator.namespace",
      "default",
      "where namespace-relative releases install the operator"),
  INSTALL_APPLY("kuberay.install.apply", "create", "create or server-side"),
  INSTALL_FORCE(
      "kuberay.install.force", "false", "install over an operator of another KubeRay version"),
  API_PORT("kuberay.api.port", "0", "the emulated API server's loopback port; 0 picks a free one"),
  RAY("kuberay.ray", "auto", "auto, required or off: whether emulated pods run real Ray"),
  PYTHON("kuberay.python", "provisioned", "a Python that has ray[default] installed"),
  CACHE_DIR(
      "kuberay.cache.dir",
      "~/.cache/kuberay-harness",
      "where Ray is provisioned and the node registry kept"),
  NODE_CPU("kuberay.node.cpu", "max(8, cores)", "the emulated node's allocatable CPU"),
  NODE_MEMORY("kuberay.node.memory", "max(16Gi, RAM)", "the emulated node's allocatable memory"),
  NODE_RESOURCES(
      "kuberay.node.resources",
      "none",
      "the emulated node's extended resources, e.g. nvidia.com/gpu=4,google.com/tpu=8"),
  NODE_LABELS(
      "kuberay.node.labels",
      "none",
      "extra labels of the emulated node, e.g. cloud.google.com/gke-accelerator=nvidia-l4"),
  NODE_TAINTS(
      "kuberay.node.taints",
      "none",
      "taints of the emulated node, e.g. nvidia.com/gpu=present:NoSchedule"),
  PODS_VOLUMES(
      "kuberay.pods.volumes",
      "mount",
      "mount, or skip: run emulated pods without the volumes this machine cannot mount (one warning event each)"),
  PODS_IMAGES(
      "kuberay.pods.images",
      "none",
      "what user images hold on the emulated backend: pattern=directory[:mountPath][;requirements=file][;rayVersion=X.Y.Z], comma-separated"),
  RAY_PYTHONS(
      "kuberay.ray.pythons",
      "none",
      "Ray versions mapped to pythons that have them, e.g. 2.9.0=/opt/ray29/bin/python; never provisioned"),
  RAY_INSTALLER(
      "kuberay.ray.installer",
      "auto",
      "auto (uv, else pip), uv or pip: what provisions Ray runtimes"),
  RAY_STANDBYS(
      "kuberay.ray.standbys",
      "2",
      "Python interpreters with Ray imported kept ready for the next Ray pods"),
  K3S_IMAGE("kuberay.k3s.image", "rancher/k3s:v1.31.4-k3s1", "the k3s node image"),
  K3S_REUSE(
      "kuberay.k3s.reuse",
      "false",
      "true: keep the k3s container running after the JVM and reuse it while the configuration is unchanged"),
  K3S_REUSE_KEEP(
      "kuberay.k3s.reuse.keep",
      "3",
      "with kuberay.k3s.reuse: the most kept k3s containers; a new one removes the least recently used that no run holds"),
  OPERATOR_IMAGE("kuberay.operator.image", "detected", "the operator image"),
  RAY_IMAGE("kuberay.ray.image", "detected", "the Ray image"),
  IMAGES_LOAD("kuberay.images.load", "unset", "more local images to side-load, comma-separated"),
  IMAGES_PREFIX(
      "kuberay.images.prefix", "kuberay-harness", "repository prefix of the local image builds"),
  RYUK("kuberay.ryuk", "false", "true keeps Testcontainers' Ryuk"),
  KUBECONFIG(
      "kuberay.kubeconfig",
      "KUBECONFIG / ~/.kube/config",
      "the existing backend's kubeconfig file"),
  CONTEXT("kuberay.context", "current context", "the existing backend's context"),
  EXISTING_KEEP(
      "kuberay.existing.keep",
      "false",
      "leave the operator the harness installed in place after the run");

  private static final Map<String, Setting> BY_KEY =
      Arrays.stream(values()).collect(Collectors.toMap(Setting::key, Function.identity()));

  private final String key;
  private final String defaultValue;
  private final String description;

  Setting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The system property and JUnit configuration parameter name, e.g. {@code kuberay.backend}. */
  public String key() {
    return key;
  }

  /** The environment variable: the key in upper snake case, e.g. {@code KUBERAY_BACKEND}. */
  public String envVariable() {
    return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The default as the docs describe it (some are computed, e.g. from this machine). */
  public String defaultValue() {
    return defaultValue;
  }

  /** One line on what it does. */
  public String description() {
    return description;
  }

  /** The setting with this key. */
  public static Optional<Setting> byKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** The setting with this key, or a clear error naming the registry when there is none. */
  public static Setting of(String key) {
    return byKey(key)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + key
                        + "' is not a KubeRay Harness setting; the settings are listed in docs/CONFIGURATION.md and io.kuberay.harness.settings.Setting"));
  }
}
