package io.kuberay.harness;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuberay.harness.internal.ChartValues;
import io.kuberay.harness.model.v1.RayCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A RayCluster to create: built fluently, taken from the ray-cluster Helm chart's defaults, or read
 * from YAML. Immutable; every {@code with…} returns a copy.
 *
 * <pre>{@code
 * RayClusterSpec spec = RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0); // raycluster-kuberay
 * RayClusterSpec custom = RayClusterSpec.named("demo")
 *     .withHead(h -> h.withCpu("1").withMemory("2G"))
 *     .withWorkerGroup(WorkerGroupSpec.named("small").withReplicas(2).withCpu("1").withMemory("1G"));
 * }</pre>
 */
public final class RayClusterSpec {

  private static final KubernetesSerialization SERDE = new KubernetesSerialization();

  private final String name;
  private final String image;
  private final String rayVersion;
  private final HeadGroupSpec head;
  private final List<WorkerGroupSpec> workers;
  private final Map<String, String> labels;
  private final GenericKubernetesResource yaml;

  private RayClusterSpec(
      String name,
      String image,
      String rayVersion,
      HeadGroupSpec head,
      List<WorkerGroupSpec> workers,
      Map<String, String> labels,
      GenericKubernetesResource yaml) {
    this.name = name;
    this.image = image;
    this.rayVersion = rayVersion;
    this.head = head;
    this.workers = List.copyOf(workers);
    this.labels = Map.copyOf(labels);
    this.yaml = yaml;
  }

  /** A cluster with a 1-CPU head, no workers, and the harness's default Ray image. */
  public static RayClusterSpec named(String name) {
    Objects.requireNonNull(name, "RayCluster name must not be null");
    return new RayClusterSpec(
        name,
        RayImages.DEFAULT_IMAGE,
        RayImages.DEFAULT_RAY_VERSION,
        HeadGroupSpec.defaults(),
        List.of(),
        Map.of(),
        null);
  }

  /**
   * What {@code helm install <release> kuberay/ray-cluster --version <chartVersion>} creates with
   * the chart's default values: RayCluster {@code <release>-kuberay} (or {@code <release>} if it
   * already contains "kuberay"), one head and a worker group {@code workergroup} of one replica.
   */
  public static RayClusterSpec helmChartDefaults(String release, KubeRayVersion chartVersion) {
    Objects.requireNonNull(release, "release must not be null");
    String name = release.contains("kuberay") ? release : release + "-kuberay";
    boolean v11 = !chartVersion.isAtLeast(KubeRayVersion.V1_5_0);
    String image =
        v11
            ? "rayproject/ray:2.9.0"
            : chartVersion.isAtLeast(KubeRayVersion.V1_7_0)
                ? "rayproject/ray:2.52.0"
                : "rayproject/ray:2.46.0";
    HeadGroupSpec head =
        HeadGroupSpec.defaults()
            .withCpu("1")
            .withMemory(v11 ? "2G" : chartVersion.isAtLeast(KubeRayVersion.V1_7_0) ? "5Gi" : "2G");
    if (v11) {
      head = head.withRayStartParam("dashboard-host", "0.0.0.0");
    }
    WorkerGroupSpec worker =
        WorkerGroupSpec.named("workergroup")
            .withReplicas(1)
            .withMinReplicas(1)
            .withMaxReplicas(v11 ? 3 : 5)
            .withCpu("1")
            .withMemory(v11 ? "1G" : "1G");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/instance", release);
    labels.put("app.kubernetes.io/managed-by", "Helm");
    labels.put("helm.sh/chart", "ray-cluster-" + chartVersion.number());
    return new RayClusterSpec(name, image, null, head, List.of(worker), labels, null);
  }

  /**
   * Any RayCluster manifest, e.g. one of KubeRay's samples.
   *
   * @throws IllegalArgumentException when the text is not YAML of one RayCluster
   */
  public static RayClusterSpec fromYaml(String yamlText) {
    Object parsed;
    try {
      parsed = SERDE.unmarshal(yamlText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "The RayCluster YAML cannot be parsed: "
              + rootMessage(e)
              + ". Check indentation and quoting.",
          e);
    }
    if (!(parsed instanceof GenericKubernetesResource resource)
        || !"RayCluster".equals(resource.getKind())) {
      String kind =
          parsed instanceof HasMetadata h
              ? h.getKind()
              : parsed == null ? "nothing" : parsed.getClass().getSimpleName();
      throw new IllegalArgumentException(
          "Expected one RayCluster (apiVersion ray.io/v1, kind RayCluster) but the YAML holds "
              + kind
              + ".");
    }
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new IllegalArgumentException("The RayCluster YAML has no metadata.name; add one.");
    }
    return new RayClusterSpec(
        resource.getMetadata().getName(), null, null, null, List.of(), Map.of(), resource);
  }

  /**
   * A typed RayCluster ({@code kuberay-model}), as built in code or read with fabric8; created as
   * it is, like {@link #fromYaml}.
   *
   * @throws IllegalArgumentException when it has no {@code metadata.name}
   */
  public static RayClusterSpec from(RayCluster cluster) {
    GenericKubernetesResource resource =
        SERDE.convertValue(cluster, GenericKubernetesResource.class);
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new IllegalArgumentException(
          "The RayCluster has no metadata.name; set one (new ObjectMetaBuilder().withName(...)).");
    }
    return new RayClusterSpec(
        resource.getMetadata().getName(), null, null, null, List.of(), Map.of(), resource);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public String name() {
    return name;
  }

  public RayClusterSpec withName(String newName) {
    if (yaml != null) {
      GenericKubernetesResource copy = SERDE.clone(yaml);
      copy.getMetadata().setName(newName);
      return new RayClusterSpec(newName, image, rayVersion, head, workers, labels, copy);
    }
    return new RayClusterSpec(newName, image, rayVersion, head, workers, labels, null);
  }

  public RayClusterSpec withImage(String newImage) {
    requireBuilt();
    return new RayClusterSpec(name, newImage, rayVersion, head, workers, labels, null);
  }

  public RayClusterSpec withRayVersion(String version) {
    requireBuilt();
    return new RayClusterSpec(name, image, version, head, workers, labels, null);
  }

  public RayClusterSpec withHead(UnaryOperator<HeadGroupSpec> change) {
    requireBuilt();
    return new RayClusterSpec(name, image, rayVersion, change.apply(head), workers, labels, null);
  }

  /** Adds a worker group, or replaces the one with the same name. */
  public RayClusterSpec withWorkerGroup(WorkerGroupSpec group) {
    requireBuilt();
    List<WorkerGroupSpec> groups = new ArrayList<>(workers);
    groups.removeIf(g -> g.name().equals(group.name()));
    groups.add(group);
    return new RayClusterSpec(name, image, rayVersion, head, groups, labels, null);
  }

  public RayClusterSpec withLabel(String key, String value) {
    requireBuilt();
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(key, value);
    return new RayClusterSpec(name, image, rayVersion, head, workers, l, null);
  }

  /**
   * This cluster with ray-cluster chart values written where the chart's templates put them (see
   * {@link RayClusterChart} for the keys). The result is a finished manifest: only {@link
   * #withName} and further chart values apply to it.
   */
  public RayClusterSpec withChartValues(Map<String, String> values) {
    RayClusterChart.requireSupported(values.keySet());
    GenericKubernetesResource resource = SERDE.clone(toResource("default"));
    resource.getMetadata().setNamespace(null);
    ChartValues.apply(values, resource);
    return new RayClusterSpec(name, null, null, null, List.of(), Map.of(), resource);
  }

  public List<WorkerGroupSpec> workerGroups() {
    return workers;
  }

  private void requireBuilt() {
    if (yaml != null) {
      throw new IllegalStateException(
          "RayCluster " + name + " comes from YAML; change the YAML instead.");
    }
  }

  /** The RayCluster object for {@code namespace}. */
  public GenericKubernetesResource toResource(String namespace) {
    GenericKubernetesResource resource;
    if (yaml != null) {
      resource = SERDE.clone(yaml);
    } else {
      resource = new GenericKubernetesResource();
      resource.setApiVersion("ray.io/v1");
      resource.setKind("RayCluster");
      resource.setMetadata(
          new ObjectMetaBuilder().withName(name).withLabels(new LinkedHashMap<>(labels)).build());
      Map<String, Object> spec = new LinkedHashMap<>();
      if (rayVersion != null) {
        spec.put("rayVersion", rayVersion);
      }
      spec.put("headGroupSpec", head.toMap(image));
      List<Object> groups = new ArrayList<>();
      workers.forEach(w -> groups.add(w.toMap(image)));
      spec.put("workerGroupSpecs", groups);
      resource.getAdditionalProperties().put("spec", spec);
    }
    resource.getMetadata().setNamespace(namespace);
    return resource;
  }

  /** The manifest as YAML, e.g. to compare with {@code helm template} output. */
  public String toYaml(String namespace) {
    return SERDE.asYaml(toResource(namespace));
  }

  @Override
  public String toString() {
    return "RayClusterSpec[" + name + "]";
  }
}
