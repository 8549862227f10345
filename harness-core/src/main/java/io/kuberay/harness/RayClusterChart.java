package io.kuberay.harness;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code helm install <release> kuberay/ray-cluster --version <v> --set key=value ...} as a
 * RayCluster to create: the chart's defaults ({@link RayClusterSpec#helmChartDefaults}) with the
 * chart values a test commonly sets. Immutable; {@link #set} returns a copy.
 *
 * <pre>{@code
 * RayClusterChart chart = RayClusterChart.release("raycluster", KubeRayVersion.V1_1_0)
 *     .set("head.resources.requests.cpu", "500m")   // fits a 2-CPU node; Ray's CPUs follow the limit (1)
 *     .set("worker.replicas", "2");
 * env.rayClusters().inNamespace("default").install(chart);
 * }</pre>
 *
 * <p>Supported keys: {@code image.repository}, {@code image.tag}, {@code head.rayVersion}, {@code
 * head|worker.resources.requests|limits.cpu|memory}, {@code worker.replicas}, {@code
 * worker.minReplicas}, {@code worker.maxReplicas}, {@code head|worker.rayStartParams.<flag>}.
 */
public final class RayClusterChart {

  private static final List<String> KEYS =
      List.of(
          "image.repository",
          "image.tag",
          "head.rayVersion",
          "head.resources.requests.cpu",
          "head.resources.requests.memory",
          "head.resources.limits.cpu",
          "head.resources.limits.memory",
          "worker.resources.requests.cpu",
          "worker.resources.requests.memory",
          "worker.resources.limits.cpu",
          "worker.resources.limits.memory",
          "worker.replicas",
          "worker.minReplicas",
          "worker.maxReplicas");
  private static final List<String> PREFIXES =
      List.of("head.rayStartParams.", "worker.rayStartParams.");

  private final String release;
  private final KubeRayVersion version;
  private final Map<String, String> values;

  private RayClusterChart(String release, KubeRayVersion version, Map<String, String> values) {
    this.release = release;
    this.version = version;
    this.values = Map.copyOf(values);
  }

  /** The chart of {@code version} installed as {@code release}, with its default values. */
  public static RayClusterChart release(String release, KubeRayVersion version) {
    Objects.requireNonNull(release, "release must not be null");
    Objects.requireNonNull(version, "version must not be null");
    return new RayClusterChart(release, version, Map.of());
  }

  /**
   * Sets one chart value, like {@code --set key=value}.
   *
   * @throws IllegalArgumentException for a key the harness does not render, naming the keys it does
   */
  public RayClusterChart set(String key, String value) {
    Objects.requireNonNull(value, () -> "value of " + key + " must not be null");
    requireSupported(List.of(key));
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new RayClusterChart(release, version, copy);
  }

  /**
   * Sets values given as {@code key=value}, the form of {@code helm --set}.
   *
   * @throws IllegalArgumentException for an entry without '=' or with an unsupported key
   */
  public RayClusterChart setAll(String... settings) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.putAll(parse(settings));
    return new RayClusterChart(release, version, copy);
  }

  /**
   * Chart values given as {@code key=value}, checked.
   *
   * @throws IllegalArgumentException for an entry without '=' or with an unsupported key
   */
  public static Map<String, String> parse(String... settings) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "Chart value '"
                + setting
                + "' is not key=value, e.g. head.resources.requests.cpu=500m.");
      }
      parsed.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
    }
    requireSupported(parsed.keySet());
    return parsed;
  }

  public String release() {
    return release;
  }

  public KubeRayVersion version() {
    return version;
  }

  /** A value set on this chart (not a default). */
  public Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The values that set the chart's {@code image.repository} and {@code image.tag} to {@code
   * image}.
   */
  public static Map<String, String> imageValues(String image) {
    int colon = image.lastIndexOf(':');
    if (colon <= image.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "Image '" + image + "' has no tag; name one, e.g. rayproject/ray:2.52.0.");
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("image.repository", image.substring(0, colon));
    values.put("image.tag", image.substring(colon + 1));
    return values;
  }

  static void requireSupported(Collection<String> keys) {
    for (String key : keys) {
      if (!KEYS.contains(key)
          && PREFIXES.stream().noneMatch(p -> key.startsWith(p) && key.length() > p.length())) {
        throw new IllegalArgumentException(
            "Unsupported ray-cluster chart value '"
                + key
                + "'. Supported: "
                + String.join(", ", KEYS)
                + ", head.rayStartParams.<flag>, worker.rayStartParams.<flag>.");
      }
    }
  }

  /** The RayCluster the chart renders with these values. */
  public RayClusterSpec toSpec() {
    RayClusterSpec defaults = RayClusterSpec.helmChartDefaults(release, version);
    return values.isEmpty() ? defaults : defaults.withChartValues(values);
  }

  @Override
  public String toString() {
    return "ray-cluster chart "
        + version.number()
        + " release "
        + release
        + (values.isEmpty() ? "" : " " + values);
  }
}
