package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.backend.ClusterBackend;
import io.kuberay.harness.internal.Backends;
import io.kuberay.harness.internal.JvmWarmup;
import io.kuberay.harness.internal.TempDirs;
import io.kuberay.harness.rayservice.RayServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started cluster with KubeRay installed: a Kubernetes client, a kubeconfig file, and entry
 * points for Ray clusters and pods. Close it to stop everything it started; shared environments
 * from {@link KubeRayEnvironments} are closed at JVM exit.
 *
 * <pre>{@code
 * try (KubeRayEnvironment env = KubeRayEnvironment.builder().kuberayVersion("v1.1.0").start()) {
 *   RayClusterHandle cluster = env.rayClusters().create(RayClusterSpec.helmChartDefaults("raycluster", env.kuberayVersion()));
 *   cluster.awaitReady(Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class KubeRayEnvironment implements AutoCloseable {

  private final EnvironmentSettings settings;
  private final ClusterBackend backend;
  private final Path workDir;
  private final Path kubeconfig;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KubeRayEnvironment(
      EnvironmentSettings settings, ClusterBackend backend, Path workDir, Path kubeconfig) {
    this.settings = settings;
    this.backend = backend;
    this.workDir = workDir;
    this.kubeconfig = kubeconfig;
  }

  public static Builder builder() {
    return new Builder(EnvironmentSettings.defaults());
  }

  /** Starts an environment exactly as {@code settings} say (no external overrides applied). */
  public static KubeRayEnvironment start(EnvironmentSettings settings) {
    Objects.requireNonNull(settings, "settings");
    JvmWarmup.kindRegistry();
    // The kubeconfig and, on the emulated backend, the pods' logs: one directory per environment.
    Path workDir = TempDirs.create();
    ClusterBackend backend = null;
    boolean started = false;
    try {
      backend = Backends.start(settings, workDir);
      if (settings.installMethod() != InstallMethod.NONE
          || settings.backend() == BackendType.EMULATED) {
        // none: nothing installed; the emulated backend still runs the operator the user installs.
        backend.installKubeRay(settings);
      }
      // Written on first use: the emulated backend makes its TLS certificates only when a client
      // needs them.
      KubeRayEnvironment environment =
          new KubeRayEnvironment(settings, backend, workDir, workDir.resolve("kubeconfig"));
      started = true;
      return environment;
    } finally {
      // Also on an Error: a started k3s container must not outlive a failed start.
      if (!started) {
        try {
          if (backend != null) {
            backend.close();
          }
        } finally {
          TempDirs.delete(workDir);
        }
      }
    }
  }

  /**
   * A fault: the cluster's node restarts, as on a kubelet or machine reboot. Every pod process dies
   * at once and the containers restart per restartPolicy; Ray pods rejoin as on a real node.
   * Returns how many processes were killed.
   *
   * @throws UnsupportedOperationException on a backend that cannot do this from the harness (k3s,
   *     existing), naming what to do instead
   */
  public int restartNode() {
    return backend.restartNode();
  }

  public EnvironmentSettings settings() {
    return settings;
  }

  public KubeRayVersion kuberayVersion() {
    return settings.kuberayVersion();
  }

  public BackendType backendType() {
    return settings.backend();
  }

  /** A fabric8 client for the cluster; owned by the environment, do not close it. */
  public KubernetesClient client() {
    return backend.client();
  }

  /**
   * A kubeconfig file (mode 600) for kubectl, helm or any other client, written on the first call;
   * deleted when the environment closes. On the emulated backend it carries the environment's CA
   * and token.
   */
  public synchronized Path kubeconfig() {
    if (closed.get()) {
      throw new IllegalStateException("The environment is closed; its kubeconfig is gone");
    }
    if (!Files.exists(kubeconfig)) {
      try {
        try {
          Files.createFile(
              kubeconfig,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the default permissions of the temp dir apply
        }
        Files.writeString(kubeconfig, backend.kubeconfig());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot write the environment's kubeconfig " + kubeconfig, e);
      }
    }
    return kubeconfig;
  }

  /**
   * The namespace the KubeRay operator runs in ({@code ray-system} for v1.1.0's kustomize bundle).
   */
  public String operatorNamespace() {
    return backend.operatorNamespace();
  }

  /** The Ray image this environment's pods can run: charts installed through the harness use it. */
  public String rayImage() {
    return backend.rayImage();
  }

  /** RayClusters in the {@code default} namespace; {@code .inNamespace(ns)} for another. */
  public RayClusters rayClusters() {
    return new RayClusters(backend, "default");
  }

  /** RayServices in the {@code default} namespace; {@code .inNamespace(ns)} for another. */
  public RayServices rayServices() {
    return new RayServices(backend, "default");
  }

  /** Creates a namespace (idempotent) and returns its name. */
  public String createNamespace(String name) {
    if (client().namespaces().withName(name).get() == null) {
      client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    return name;
  }

  public void deleteNamespace(String name) {
    client().namespaces().withName(name).delete();
  }

  public PodHandle pod(String namespace, String name) {
    return new PodHandle(backend, namespace, name);
  }

  /** The operator pod, for its logs and status. */
  public Optional<PodHandle> operatorPod() {
    return client()
        .pods()
        .inNamespace(operatorNamespace())
        .withLabel("app.kubernetes.io/component", "kuberay-operator")
        .list()
        .getItems()
        .stream()
        .findFirst()
        .map(p -> new PodHandle(backend, operatorNamespace(), p.getMetadata().getName()));
  }

  ClusterBackend backend() {
    return backend;
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        backend.close();
      } finally {
        TempDirs.delete(workDir);
        KubeRayEnvironments.forget(this);
      }
    }
  }

  /**
   * Fluent settings; {@link #start()} applies external overrides, {@link #startExactly()} does not.
   */
  public static final class Builder {
    private final EnvironmentSettings settings;

    private Builder(EnvironmentSettings settings) {
      this.settings = settings;
    }

    private Builder with(EnvironmentSettings s) {
      return new Builder(s);
    }

    public Builder backend(BackendType backend) {
      EnvironmentSettings s = settings;
      return with(s.withBackend(backend));
    }

    public Builder kuberayVersion(String version) {
      return kuberayVersion(KubeRayVersion.of(version));
    }

    public Builder kuberayVersion(KubeRayVersion version) {
      EnvironmentSettings s = settings;
      return with(s.withKuberayVersion(version));
    }

    public Builder installMethod(InstallMethod method) {
      EnvironmentSettings s = settings;
      return with(s.withInstallMethod(method));
    }

    public Builder manifestsDir(Path dir) {
      EnvironmentSettings s = settings;
      return with(s.withManifestsDir(Optional.of(dir)));
    }

    public Builder nodeCapacity(String cpu, String memory) {
      EnvironmentSettings s = settings;
      NodeCapacity n = s.nodeCapacity();
      return with(
          s.withNodeCapacity(
              new NodeCapacity(cpu, memory, n.extendedResources(), n.labels(), n.taints())));
    }

    /**
     * The emulated node offers {@code quantity} of an extended resource, e.g. {@code
     * ("nvidia.com/gpu", "4")}.
     */
    public Builder nodeExtendedResource(String name, String quantity) {
      return node(settings.nodeCapacity().withExtendedResource(name, quantity));
    }

    /** The emulated node carries this label (for nodeSelector and node affinity). */
    public Builder nodeLabel(String key, String value) {
      return node(settings.nodeCapacity().withLabel(key, value));
    }

    /**
     * The emulated node carries this taint, written {@code key=value:Effect}; pods need a matching
     * toleration.
     */
    public Builder nodeTaint(String taint) {
      return node(settings.nodeCapacity().withTaint(taint));
    }

    private Builder node(NodeCapacity node) {
      return with(settings.withNodeCapacity(node));
    }

    public Builder rayMode(RayMode mode) {
      EnvironmentSettings s = settings;
      return with(s.withRayMode(mode));
    }

    public Builder startupTimeout(Duration timeout) {
      EnvironmentSettings s = settings;
      return with(s.withStartupTimeout(timeout));
    }

    /**
     * On the emulated backend, pods whose image matches {@code image}'s pattern see its directory
     * (and run Ray with its requirements); see {@link UserImage}.
     */
    public Builder userImage(UserImage image) {
      return with(settings.withUserImage(image));
    }

    /**
     * On the emulated backend, pods with an image matching {@code pattern} (e.g. {@code
     * myorg/ray-app:*}) see {@code directory} at {@code mountPath}.
     */
    public Builder userImage(String pattern, Path directory, String mountPath) {
      return userImage(UserImage.named(pattern).withDirectory(directory, mountPath));
    }

    /**
     * The settings with system properties and environment variables applied over the code's
     * choices.
     */
    public EnvironmentSettings settings() {
      return settings.withExternalOverrides();
    }

    /** The settings exactly as given in code, without external overrides. */
    public EnvironmentSettings settingsExactly() {
      return settings;
    }

    /**
     * Starts a new environment, with external overrides (e.g. {@code -Dkuberay.backend=k3s})
     * applied.
     */
    public KubeRayEnvironment start() {
      return KubeRayEnvironment.start(settings());
    }

    /** Starts a new environment with exactly the settings given in code. */
    public KubeRayEnvironment startExactly() {
      return KubeRayEnvironment.start(settings);
    }

    /**
     * The shared environment for these settings (with external overrides), started on first use.
     */
    public KubeRayEnvironment shared() {
      return KubeRayEnvironments.shared(settings());
    }
  }
}
