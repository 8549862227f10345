package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ray.process.RayImageVersion;
import io.kuberay.harness.ray.process.RayNodeLauncher;
import io.kuberay.harness.ray.process.RayRuntime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which Ray a Ray pod runs, and the launcher for it: the version its Ray container's image tag
 * names ({@code rayproject/ray:2.46.0-py311} → 2.46.0), else the RayCluster's {@code
 * spec.rayVersion} (for {@code rayproject/ray:latest} or a custom image), else the harness's
 * default. A version is resolved on the first pod that asks for it (provisioned into the cache when
 * it is not there yet) and reused after.
 */
final class PodRayVersions {

  /** A pod's version and where it was read from, for events. */
  record Choice(String version, String source) {}

  private final RayRuntime defaultRuntime;
  private final Function<String, RayRuntime> resolver;
  private final Function<Pod, Optional<String>> clusterRayVersion;
  private final Map<String, RayNodeLauncher> launchers = new ConcurrentHashMap<>();

  /**
   * @param resolver finds or provisions a version ({@link RayRuntime#resolve(String)}); slow on a
   *     version's first use
   * @param clusterRayVersion the {@code spec.rayVersion} of the pod's RayCluster, if it has one
   */
  PodRayVersions(
      RayRuntime defaultRuntime,
      Function<String, RayRuntime> resolver,
      Function<Pod, Optional<String>> clusterRayVersion) {
    this.defaultRuntime = defaultRuntime;
    this.resolver = resolver;
    this.clusterRayVersion = clusterRayVersion;
    launchers.put(defaultRuntime.rayVersion(), RayNodeLauncher.create(defaultRuntime));
  }

  String defaultVersion() {
    return defaultRuntime.rayVersion();
  }

  /** The version for the pod's Ray container (KubeRay's Ray container is the first one). */
  Choice choose(Pod pod) {
    return choose(pod, () -> clusterRayVersion.apply(pod), defaultVersion());
  }

  /**
   * {@link #choose(Pod)} given the RayCluster's {@code rayVersion} (read only when the image names
   * no version).
   */
  static Choice choose(
      Pod pod, Supplier<Optional<String>> clusterRayVersion, String defaultVersion) {
    List<Container> containers = pod.getSpec().getContainers();
    String image =
        containers.isEmpty() || containers.get(0).getImage() == null
            ? ""
            : containers.get(0).getImage();
    RayImageVersion fromImage = RayImageVersion.of(image);
    if (fromImage.version().isPresent()) {
      return new Choice(fromImage.version().get(), "image " + image);
    }
    Optional<String> declared = clusterRayVersion.get().filter(v -> !v.isBlank()).map(String::trim);
    if (declared.isPresent()) {
      return new Choice(
          declared.get(), "the RayCluster's rayVersion (image " + image + " names none)");
    }
    return new Choice(
        defaultVersion,
        "the harness's default (image "
            + image
            + (fromImage.isRayImage() ? " names no version" : " is not a Ray image")
            + " and the RayCluster has no rayVersion)");
  }

  /** Whether the version was resolved before (a pod using it starts without provisioning). */
  boolean isReady(String version) {
    return launchers.containsKey(version);
  }

  /**
   * The launcher for {@code version}, resolving (and on first use provisioning) it.
   *
   * @throws IllegalStateException with why the version cannot run and how to provide it
   */
  RayNodeLauncher launcher(String version) {
    RayNodeLauncher known = launchers.get(version);
    if (known != null) {
      return known;
    }
    RayRuntime runtime = resolver.apply(version);
    if (!runtime.isAvailable()) {
      throw new IllegalStateException(
          "Ray " + version + " is unavailable: " + runtime.unavailableReason().orElseThrow());
    }
    return launchers.computeIfAbsent(version, v -> RayNodeLauncher.create(runtime));
  }

  /**
   * The runtime of a version already resolved, else the default one (exec in a pod that never
   * started).
   */
  RayRuntime runtime(String version) {
    RayNodeLauncher known = version == null ? null : launchers.get(version);
    return known != null ? known.runtime() : defaultRuntime;
  }
}
