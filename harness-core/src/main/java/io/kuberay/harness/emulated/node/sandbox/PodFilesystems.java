package io.kuberay.harness.emulated.node.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.NodeCapacity;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the emulated kubelet gives each pod's processes beyond a command line: the container's
 * environment ({@link ContainerEnv}), its volumes ({@link PodVolumes}) and a mount namespace that
 * shows them at their mount paths ({@link PodSandbox}), one per container. ConfigMap and Secret
 * changes reach mounted volumes (not subPath mounts), as the kubelet's periodic sync does.
 */
public final class PodFilesystems implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(PodFilesystems.class);

  /** Where Ray keeps its files in a container ({@code ray._private.utils.get_ray_temp_dir()}). */
  static final String RAY_DIR = "/tmp/ray";

  private static final ResourceRef CONFIG_MAPS = new ResourceRef("", "v1", "configmaps");
  private static final ResourceRef SECRETS = new ResourceRef("", "v1", "secrets");

  /** The pod needs mounts this machine cannot make: the pod must not run without them. */
  public static final class MountsUnavailableException extends RuntimeException {
    MountsUnavailableException(String message) {
      super(message);
    }
  }

  private final Path root;
  private final Supplier<KubernetesClient> client;
  private final NodeCapacity node;
  private final MountNamespaces namespaces;
  private final boolean skipVolumes;
  private final PodImages images;

  /**
   * Set once the API server's front listens (it starts after the node's file systems); null before.
   */
  private volatile InClusterApi api;

  private final Map<String, PodState> pods = new ConcurrentHashMap<>();
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kuberay-emulated-volume-sync");
            t.setDaemon(true);
            return t;
          });

  public PodFilesystems(
      Path root,
      Supplier<KubernetesClient> client,
      NodeCapacity node,
      MountNamespaces namespaces,
      boolean skipVolumes) {
    this(root, client, node, namespaces, skipVolumes, List.of());
  }

  /**
   * @param userImages what the user's images hold: a container with such an image sees its
   *     directory, read-only, at the mapping's mount path
   */
  public PodFilesystems(
      Path root,
      Supplier<KubernetesClient> client,
      NodeCapacity node,
      MountNamespaces namespaces,
      boolean skipVolumes,
      List<UserImage> userImages) {
    this.root = root;
    this.client = client;
    this.node = node;
    this.namespaces = namespaces;
    this.skipVolumes = skipVolumes;
    this.images = new PodImages(userImages);
  }

  /**
   * The setting {@value MountNamespaces#VOLUMES_PROPERTY}: {@code mount} (default) or {@code skip},
   * which runs pods without their volumes and says so in a warning event per volume.
   */
  public static boolean skipVolumes(Optional<String> value) {
    String v = value.orElse("mount").trim();
    if (v.equals("mount")) {
      return false;
    }
    if (v.equals("skip")) {
      return true;
    }
    throw new IllegalArgumentException(
        MountNamespaces.VOLUMES_PROPERTY
            + " (or KUBERAY_PODS_VOLUMES) must be 'mount' or 'skip', was '"
            + v
            + "'");
  }

  /**
   * Where pods reach the API server from inside (env, token, CA); pods started before this get
   * none.
   */
  public void serveApiAt(InClusterApi api) {
    this.api = api;
  }

  /** Follows ConfigMaps and Secrets so that mounted volumes see their updates. */
  public void watch(ObjectEvents events) {
    watches.add(events.watch(CONFIG_MAPS, null, (type, o) -> changed("ConfigMap", o)));
    watches.add(events.watch(SECRETS, null, (type, o) -> changed("Secret", o)));
  }

  private void changed(String kind, StoredObject o) {
    for (PodState state : pods.values()) {
      if (o.namespace() != null
          && o.namespace().equals(state.pod.getMetadata().getNamespace())
          && state.volumes.uses(kind, o.name())) {
        // Listeners must return at once: the refresh reads through the client on a thread of its
        // own.
        refresher.execute(
            () -> {
              try {
                state.volumes.refresh();
              } catch (RuntimeException e) {
                logger.debug(
                    "Refreshing the volumes of pod {} failed", ObjectKeys.of(state.pod), e);
              }
            });
      }
    }
  }

  /** Whether the machine can mount volumes (so standbys may start in namespaces of their own). */
  MountNamespaces namespaces() {
    return namespaces;
  }

  /**
   * The container's environment, resolved as the kubelet does; throws {@link
   * ContainerEnv.ConfigException}.
   */
  public Map<String, String> environment(Pod pod, String container) {
    return new ContainerEnv(client.get(), pod, node, api).resolve(container);
  }

  /**
   * Sets up the pod's volumes (once per pod; again after a failure).
   *
   * @throws PodVolumes.VolumeException when a volume cannot be set up yet (the kubelet retries)
   * @throws MountsUnavailableException when a container mounts volumes and this machine has no
   *     mount namespaces
   */
  public void setUp(Pod pod) {
    PodState state = state(pod);
    List<String> mounted = mountedVolumes(pod);
    List<String> imageDirs = imageDirectories(pod);
    if ((!mounted.isEmpty() || !imageDirs.isEmpty()) && !namespaces.available() && !skipVolumes) {
      List<String> what = new ArrayList<>(imageDirs);
      if (!mounted.isEmpty()) {
        what.add(0, "volume" + (mounted.size() > 1 ? "s " : " ") + String.join(", ", mounted));
      }
      throw new MountsUnavailableException(
          String.join(" and ", what)
              + " cannot be mounted: the emulated node gives each pod a private mount namespace, and "
              + namespaces.unavailableReason().orElse("none is available")
              + ". Fix: on Linux install util-linux (unshare,"
              + " nsenter) and run as root or allow unprivileged user namespaces; or set "
              + MountNamespaces.VOLUMES_PROPERTY
              + "=skip to run pods without their volumes (each then gets a warning event), or use the k3s backend");
    }
    synchronized (state) {
      if (!state.ready) {
        state.volumes.setUp();
        state.ready = true;
      }
    }
  }

  /** Names of the volumes a container mounts that skipping leaves out (for the warning events). */
  public List<String> skipped(Pod pod) {
    return skipVolumes || !namespaces.available() ? mountedVolumes(pod) : List.of();
  }

  /**
   * The user images' directories that skipping leaves out, described (e.g. {@code the directory
   * /src/app of image myorg/app:1 at /app}).
   */
  public List<String> skippedImageDirectories(Pod pod) {
    return skipVolumes || !namespaces.available() ? imageDirectories(pod) : List.of();
  }

  /** The directories the pod's containers see because of their images' mappings, described. */
  private List<String> imageDirectories(Pod pod) {
    List<String> described = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      images
          .mapping(c.getImage())
          .map(
              u ->
                  "the directory "
                      + u.directory()
                      + " of image "
                      + c.getImage()
                      + " at "
                      + u.mountPath())
          .filter(d -> !described.contains(d))
          .ifPresent(described::add);
    }
    return described;
  }

  /**
   * The container's mount namespace, created on first use (in the namespace of {@code standbyPid}
   * when given, a process started by {@link MountNamespaces#newNamespace()}); empty when the
   * container mounts nothing or volumes are skipped. {@link #setUp} must have succeeded.
   */
  Optional<PodSandbox> sandbox(Pod pod, String containerName, Long standbyPid) {
    Container container = PodEnvironment.container(pod, containerName);
    if (container == null || skipVolumes || !namespaces.available()) {
      return Optional.empty();
    }
    List<PodSandbox.Mount> mounts = mounts(pod, container);
    if (mounts.isEmpty()) {
      return Optional.empty();
    }
    PodState state = state(pod);
    synchronized (state) {
      PodSandbox existing = state.sandboxes.get(container.getName());
      if (existing != null && existing.isAlive()) {
        return Optional.of(existing);
      }
      Path dir = state.dir.resolve("ns-" + container.getName() + "-" + state.sandboxCount++);
      PodSandbox sandbox =
          standbyPid != null
              ? PodSandbox.adopt(namespaces, standbyPid, dir, mounts)
              : PodSandbox.create(namespaces, dir, mounts);
      state.sandboxes.put(container.getName(), sandbox);
      return Optional.of(sandbox);
    }
  }

  /**
   * Whether the container has mounts to make (so a standby in a namespace of its own can serve it).
   */
  boolean needsSandbox(Pod pod, String containerName) {
    Container container = PodEnvironment.container(pod, containerName);
    return container != null
        && !skipVolumes
        && namespaces.available()
        && !mounts(pod, container).isEmpty();
  }

  /**
   * Whether a mount of the container lies under a top-level directory the host does not have, so
   * that its namespace gets a root of its own (see pod-mounts.sh).
   */
  boolean needsNewRoot(Pod pod, String containerName) {
    Container container = PodEnvironment.container(pod, containerName);
    if (container == null || skipVolumes || !namespaces.available()) {
      return false;
    }
    return mounts(pod, container).stream()
        .map(m -> Path.of(m.mountPath()))
        .filter(p -> p.getNameCount() > 0)
        .anyMatch(p -> !Files.exists(p.getRoot().resolve(p.getName(0))));
  }

  private List<PodSandbox.Mount> mounts(Pod pod, Container container) {
    List<PodSandbox.Mount> mounts = new ArrayList<>();
    // The image's content first: volumes mounted below its path cover it, as in a container.
    images
        .mapping(container.getImage())
        .ifPresent(u -> mounts.add(new PodSandbox.Mount(u.directory(), u.mountPath(), true)));
    PodVolumes volumes = state(pod).volumes;
    if (container.getVolumeMounts() != null) {
      for (VolumeMount m : container.getVolumeMounts()) {
        Volume v =
            volumes
                .volume(m.getName())
                .orElseThrow(
                    () ->
                        new PodVolumes.VolumeException(
                            m.getName(),
                            "volumeMount "
                                + m.getMountPath()
                                + " names a volume the pod does not have"));
        Path source = volumes.source(v);
        if (m.getSubPath() != null && !m.getSubPath().isBlank()) {
          // A subPath mount sees the file as it was when the container started, as in Kubernetes.
          Path resolved = source.resolve(m.getSubPath());
          try {
            source = resolved.toRealPath();
          } catch (IOException e) {
            throw new PodVolumes.VolumeException(
                m.getName(), "subPath " + m.getSubPath() + " does not exist in the volume");
          }
        }
        boolean alwaysReadOnly =
            v.getConfigMap() != null
                || v.getSecret() != null
                || v.getDownwardAPI() != null
                || v.getProjected() != null;
        mounts.add(
            new PodSandbox.Mount(
                source, m.getMountPath(), alwaysReadOnly || Boolean.TRUE.equals(m.getReadOnly())));
      }
    }
    if (rayContainer(pod, container) && mounts.stream().noneMatch(m -> covers(m.mountPath()))) {
      // Ray's files are in the node's temp dir (short, for Ray's socket paths); the container sees
      // them at /tmp/ray through links there (linkRayTempDir), as in a Ray image.
      mounts.add(new PodSandbox.Mount(ownRayDir(pod), RAY_DIR, false));
    }
    if (container.getWorkingDir() != null && !container.getWorkingDir().isBlank()) {
      mounts.add(PodSandbox.Mount.directory(container.getWorkingDir()));
    }
    return mounts;
  }

  /** Whether the container runs the pod's Ray node: the first container of a head or worker pod. */
  private static boolean rayContainer(Pod pod, Container container) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null
        && labels.containsKey(Labels.NODE_TYPE)
        && !pod.getSpec().getContainers().isEmpty()
        && pod.getSpec().getContainers().get(0).getName().equals(container.getName());
  }

  /** Whether a mount at {@code mountPath} is /tmp/ray or one of its parents. */
  private static boolean covers(String mountPath) {
    return (RAY_DIR + "/").startsWith(normalized(mountPath));
  }

  private static String normalized(String mountPath) {
    String p = Path.of(mountPath).normalize().toString();
    return p.equals("/") ? "/" : p + "/";
  }

  private Path ownRayDir(Pod pod) {
    Path dir = state(pod).dir.resolve("ray-tmp");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
    return dir;
  }

  /**
   * Shows the pod's Ray node's files at {@code /tmp/ray} in its containers: links there to the
   * entries of {@code rayTempDir} (the head's temp dir, which its workers share), in the directory
   * the Ray container sees at {@code /tmp/ray} — the emptyDir the pod mounts there (so the
   * autoscaler, which mounts it too, sees them) or one of the pod's own. Nothing when the container
   * has no mount namespace, or mounts something else there.
   */
  public void linkRayTempDir(Pod pod, Path rayTempDir) {
    Container container = PodEnvironment.container(pod, null);
    if (rayTempDir == null
        || container == null
        || skipVolumes
        || !namespaces.available()
        || !rayContainer(pod, container)) {
      return;
    }
    rayDir(pod, container).ifPresent(dir -> RayDirLinks.link(dir, rayTempDir));
  }

  /**
   * The host directory the Ray container sees at /tmp/ray when it is an emptyDir or the pod's own.
   */
  private Optional<Path> rayDir(Pod pod, Container container) {
    if (container.getVolumeMounts() != null) {
      for (VolumeMount m : container.getVolumeMounts()) {
        if (covers(m.getMountPath())) {
          boolean exact = normalized(m.getMountPath()).equals(RAY_DIR + "/");
          boolean wholeVolume = m.getSubPath() == null || m.getSubPath().isBlank();
          PodVolumes volumes = state(pod).volumes;
          return volumes
              .volume(m.getName())
              .filter(v -> exact && wholeVolume && v.getEmptyDir() != null)
              .map(volumes::source);
        }
      }
    }
    return Optional.of(ownRayDir(pod));
  }

  private static List<String> mountedVolumes(Pod pod) {
    List<String> names = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getVolumeMounts() != null) {
        c.getVolumeMounts()
            .forEach(
                m -> {
                  if (!names.contains(m.getName())) {
                    names.add(m.getName());
                  }
                });
      }
    }
    return names;
  }

  private PodState state(Pod pod) {
    String uid = pod.getMetadata().getUid() == null ? "nouid" : pod.getMetadata().getUid();
    return pods.computeIfAbsent(
        ObjectKeys.of(pod),
        k -> {
          Path dir =
              root.resolve(
                  pod.getMetadata().getNamespace()
                      + "_"
                      + pod.getMetadata().getName()
                      + "_"
                      + uid.substring(0, Math.min(8, uid.length())));
          return new PodState(
              pod,
              dir,
              new PodVolumes(
                  client.get(), pod, dir.resolve("volumes"), root.resolve("claims"), node, api));
        });
  }

  /** Ends the pod's namespaces and deletes its volumes. */
  public void remove(String namespace, String name) {
    PodState state = pods.remove(ObjectKeys.of(namespace, name));
    if (state != null) {
      state.close();
    }
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    refresher.shutdownNow();
    List.copyOf(pods.keySet()).forEach(k -> remove(ObjectKeys.namespace(k), ObjectKeys.name(k)));
  }

  private static final class PodState {
    final Pod pod;
    final Path dir;
    final PodVolumes volumes;
    final Map<String, PodSandbox> sandboxes = new ConcurrentHashMap<>();
    boolean ready;
    int sandboxCount;

    PodState(Pod pod, Path dir, PodVolumes volumes) {
      this.pod = pod;
      this.dir = dir;
      this.volumes = volumes;
    }

    void close() {
      sandboxes.values().forEach(PodSandbox::close);
      try {
        AtomicVolumeWriter.deleteTree(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot delete the pod directory " + dir, e);
      }
    }
  }
}
