package io.kuberay.harness.emulated.node.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.UserImage;
import io.kuberay.harness.emulated.node.sandbox.PodImages;
import io.kuberay.harness.ray.process.RayImageVersion;
import io.kuberay.harness.ray.process.RayNodeLauncher;
import io.kuberay.harness.ray.process.RayRuntime;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which Ray a Ray pod runs, and the launcher for it: the version its Ray container's image tag
 * names ({@code rayproject/ray:2.46.0-py311} → 2.46.0), else the one a {@link UserImage} mapping of
 * the image is based on, else the RayCluster's {@code spec.rayVersion} (for {@code
 * rayproject/ray:latest} or a custom image), else the harness's default; with the mapping's
 * requirements installed next to Ray when it has some. A runtime is resolved on the first pod that
 * asks for it (provisioned into the cache when it is not there yet) and reused after.
 */
final class PodRayVersions {

  /**
   * A pod's Ray version, the requirements installed with it, and where the version was read from,
   * for events.
   */
  record Choice(String version, Optional<Path> requirements, String source) {

    Choice(String version, String source) {
      this(version, Optional.empty(), source);
    }

    /** The runtime's identity: one per Ray version and requirements file. */
    String key() {
      return requirements.map(r -> version + "+" + r).orElse(version);
    }

    /** For events: "Ray 2.52.0", or "Ray 2.52.0 with the requirements of /src/app/req.txt". */
    String describe() {
      return "Ray " + version + requirements.map(r -> " with the requirements of " + r).orElse("");
    }
  }

  private final RayRuntime defaultRuntime;
  private final BiFunction<String, Optional<Path>, RayRuntime> resolver;
  private final Function<Pod, Optional<String>> clusterRayVersion;
  private final PodImages images;
  private final Map<String, Choice> chosen = new ConcurrentHashMap<>();
  private final Map<String, RayNodeLauncher> launchers = new ConcurrentHashMap<>();

  /**
   * @param resolver finds or provisions a version with optional requirements ({@link
   *     RayRuntime#resolve(String, Optional)}); slow on a runtime's first use
   * @param clusterRayVersion the {@code spec.rayVersion} of the pod's RayCluster, if it has one
   */
  PodRayVersions(
      RayRuntime defaultRuntime,
      BiFunction<String, Optional<Path>, RayRuntime> resolver,
      Function<Pod, Optional<String>> clusterRayVersion,
      PodImages images) {
    this.defaultRuntime = defaultRuntime;
    this.resolver = resolver;
    this.clusterRayVersion = clusterRayVersion;
    this.images = images;
    Choice base = new Choice(defaultRuntime.rayVersion(), "the harness's default");
    chosen.put(base.key(), base);
    launchers.put(base.key(), RayNodeLauncher.create(defaultRuntime));
  }

  String defaultVersion() {
    return defaultRuntime.rayVersion();
  }

  /** The version for the pod's Ray container (KubeRay's Ray container is the first one). */
  Choice choose(Pod pod) {
    Choice c =
        choose(
            pod,
            images.rayContainerMapping(pod),
            () -> clusterRayVersion.apply(pod),
            defaultVersion());
    chosen.putIfAbsent(c.key(), c);
    return c;
  }

  /**
   * {@link #choose(Pod)} given the image's mapping and the RayCluster's {@code rayVersion} (read
   * only when neither the image nor its mapping names a version).
   */
  static Choice choose(
      Pod pod,
      Optional<UserImage> mapping,
      Supplier<Optional<String>> clusterRayVersion,
      String defaultVersion) {
    String image = PodImages.rayContainerImage(pod);
    Optional<Path> requirements = mapping.flatMap(UserImage::requirements);
    RayImageVersion fromImage = RayImageVersion.of(image);
    if (fromImage.version().isPresent()) {
      return new Choice(fromImage.version().get(), requirements, "image " + image);
    }
    if (mapping.isPresent() && mapping.get().rayVersion().isPresent()) {
      return new Choice(
          mapping.get().rayVersion().get(),
          requirements,
          "the mapping of image " + image + " (" + mapping.get().pattern() + ")");
    }
    Optional<String> declared = clusterRayVersion.get().filter(v -> !v.isBlank()).map(String::trim);
    if (declared.isPresent()) {
      return new Choice(
          declared.get(),
          requirements,
          "the RayCluster's rayVersion (image " + image + " names none)");
    }
    return new Choice(
        defaultVersion,
        requirements,
        "the harness's default (image "
            + image
            + (fromImage.isRayImage()
                ? " names no version"
                : mapping.isPresent() ? "'s mapping names none" : " is not a Ray image")
            + " and the RayCluster has no rayVersion)");
  }

  /** Whether the runtime was resolved before (a pod using it starts without provisioning). */
  boolean isReady(String key) {
    return launchers.containsKey(key);
  }

  /**
   * The launcher for a runtime {@link #choose(Pod) chosen} before, resolving (and on first use
   * provisioning) it.
   *
   * @throws IllegalStateException with why the runtime cannot run and how to provide it
   */
  RayNodeLauncher launcher(String key) {
    RayNodeLauncher known = launchers.get(key);
    if (known != null) {
      return known;
    }
    Choice choice = chosen.get(key);
    if (choice == null) {
      throw new IllegalStateException("No pod chose the Ray runtime " + key);
    }
    RayRuntime runtime = resolver.apply(choice.version(), choice.requirements());
    if (!runtime.isAvailable()) {
      throw new IllegalStateException(
          choice.describe() + " is unavailable: " + runtime.unavailableReason().orElseThrow());
    }
    return launchers.computeIfAbsent(key, v -> RayNodeLauncher.create(runtime));
  }

  /** The version of a runtime chosen before (for messages). */
  String version(String key) {
    Choice c = chosen.get(key);
    return c == null ? key : c.version();
  }

  /**
   * The runtime of a key already resolved, else the default one (exec in a pod that never started).
   */
  RayRuntime runtime(String key) {
    RayNodeLauncher known = key == null ? null : launchers.get(key);
    return known != null ? known.runtime() : defaultRuntime;
  }
}
