package io.kuberay.harness.k3s;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayImages;
import io.kuberay.harness.install.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The images a k3s environment needs and the names they go by. For each, a name given by property
 * wins; otherwise the upstream name is used when the local Docker engine has it, else the harness's
 * local build ({@code kuberay-harness/...}, made by {@code images/build-images.sh}) when that is
 * there.
 *
 * @param node the k3s (or k3s-compatible) node image
 * @param operator the KubeRay operator image, side-loaded and set on the operator Deployment
 * @param ray the Ray image, side-loaded
 * @param extra more images to side-load ({@code kuberay.images.load}, comma-separated)
 * @param aliases extra names under which side-loaded images are tagged inside the cluster (local
 *     build → the upstream name of the same version), so specs naming the upstream image run
 *     unchanged; a local Ray build loaded by {@code kuberay.images.load} (e.g. {@code
 *     kuberay-harness/ray:2.46.0}, for samples pinned to that Ray) is aliased the same way
 */
public record K3sImages(
    String node, String operator, String ray, List<String> extra, Map<String, String> aliases) {

  public static final String OPERATOR_IMAGE = "kuberay.operator.image";
  public static final String RAY_IMAGE = RayImages.IMAGE_PROPERTY;
  public static final String LOAD = "kuberay.images.load";
  public static final String PREFIX = "kuberay.images.prefix";

  /**
   * The harness's own k3s-compatible node image (see {@code images/kube}); used when rancher/k3s is
   * absent.
   */
  static final String LOCAL_NODE_TAG = "k8s-node:v1.36.3";

  /** The repository of the upstream Ray images that local Ray builds stand in for. */
  static final String UPSTREAM_RAY = "rayproject/ray";

  public K3sImages {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(ray, "ray");
    extra = List.copyOf(extra);
    aliases = Map.copyOf(aliases);
  }

  /**
   * @param settings the environment's settings (node image, KubeRay version)
   * @param present whether the local Docker engine has an image
   */
  static K3sImages resolve(EnvironmentSettings settings, Predicate<String> present) {
    String prefix = Settings.get(PREFIX).orElse("kuberay-harness");
    KubeRayVersion version = settings.kuberayVersion();
    String node =
        settings.k3sImage().equals(EnvironmentSettings.DEFAULT_K3S_IMAGE)
            ? firstPresent(present, settings.k3sImage(), prefix + "/" + LOCAL_NODE_TAG)
            : settings.k3sImage();
    String operator =
        Settings.get(OPERATOR_IMAGE)
            .orElseGet(
                () ->
                    firstPresent(
                        present,
                        "quay.io/kuberay/operator:" + version,
                        prefix + "/kuberay-operator:" + version));
    Optional<String> rayOverride = Settings.get(RAY_IMAGE);
    String ray =
        rayOverride.orElseGet(
            () ->
                firstPresent(
                    present,
                    RayImages.DEFAULT_IMAGE,
                    prefix + "/ray:" + RayImages.DEFAULT_RAY_VERSION));
    Map<String, String> aliases = new LinkedHashMap<>();
    if (rayOverride.isEmpty() && !ray.equals(RayImages.DEFAULT_IMAGE)) {
      aliases.put(ray, RayImages.DEFAULT_IMAGE);
    }
    List<String> extra =
        Settings.get(LOAD)
            .map(
                s ->
                    Arrays.stream(s.split(","))
                        .map(String::trim)
                        .filter(x -> !x.isEmpty())
                        .toList())
            .orElse(List.of());
    String localRay = prefix + "/ray:";
    extra.stream()
        .filter(e -> e.startsWith(localRay) && e.length() > localRay.length())
        .forEach(e -> aliases.putIfAbsent(e, UPSTREAM_RAY + ":" + e.substring(localRay.length())));
    return new K3sImages(node, operator, ray, extra, aliases);
  }

  private static String firstPresent(Predicate<String> present, String... candidates) {
    return Arrays.stream(candidates).filter(present).findFirst().orElse(candidates[0]);
  }

  /** The images to copy into the cluster's containerd. */
  public List<String> sideloaded() {
    List<String> all = new ArrayList<>(List.of(operator, ray));
    extra.stream().filter(e -> !all.contains(e)).forEach(all::add);
    return all;
  }

  /** Every image the run needs from the local engine. */
  List<String> all() {
    List<String> all = new ArrayList<>(List.of(node));
    all.addAll(sideloaded());
    return all;
  }
}
