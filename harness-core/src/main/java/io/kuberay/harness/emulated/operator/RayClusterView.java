package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A read-only typed view of a RayCluster custom resource as the operator reads it. */
public final class RayClusterView {

  private final GenericKubernetesResource resource;
  private final Map<String, Object> spec;

  public RayClusterView(GenericKubernetesResource resource) {
    this.resource = resource;
    this.spec = Maps.map(resource.getAdditionalProperties().get("spec"));
  }

  GenericKubernetesResource resource() {
    return resource;
  }

  String name() {
    return resource.getMetadata().getName();
  }

  String namespace() {
    return resource.getMetadata().getNamespace();
  }

  String uid() {
    return resource.getMetadata().getUid();
  }

  long generation() {
    Long g = resource.getMetadata().getGeneration();
    return g == null ? 1 : g;
  }

  boolean suspended() {
    return Maps.bool(spec, "suspend");
  }

  boolean hasHeadGroup() {
    return spec.get("headGroupSpec") instanceof Map<?, ?>;
  }

  boolean autoscaling() {
    return Maps.bool(spec, "enableInTreeAutoscaling");
  }

  Map<String, String> headStartParams() {
    return Maps.stringMap(Maps.get(spec, "headGroupSpec", "rayStartParams"));
  }

  PodTemplateSpec headTemplate() {
    return Json.convert(
        Maps.map(Maps.get(spec, "headGroupSpec", "template")), PodTemplateSpec.class);
  }

  public Optional<String> serviceType() {
    return Maps.string(spec, "headGroupSpec", "serviceType");
  }

  /**
   * {@code headGroupSpec.headService}: a Service template whose name and fields override the
   * defaults.
   */
  Optional<Service> headServiceTemplate() {
    Object svc = Maps.get(spec, "headGroupSpec", "headService");
    return svc instanceof Map<?, ?>
        ? Optional.of(Json.convert(svc, Service.class))
        : Optional.empty();
  }

  /**
   * The cluster's own annotations (ft-enabled, overwrite-container-cmd, external-storage-namespace,
   * ...).
   */
  Map<String, String> annotations() {
    Map<String, String> a = resource.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  /**
   * {@code headGroupSpec.resources}: Ray resources written at group level (v1.4.0+), not the
   * container's.
   */
  Map<String, String> headGroupResources() {
    return Maps.stringMap(Maps.get(spec, "headGroupSpec", "resources"));
  }

  /** {@code headGroupSpec.labels}: Ray node labels written at group level (v1.5.0+). */
  Map<String, String> headGroupLabels() {
    return Maps.stringMap(Maps.get(spec, "headGroupSpec", "labels"));
  }

  /** {@code spec.gcsFaultToleranceOptions} (v1.3.0+), absent when not written. */
  Optional<Map<String, Object>> gcsFaultToleranceOptions() {
    Object o = spec.get("gcsFaultToleranceOptions");
    return o instanceof Map<?, ?> ? Optional.of(Maps.map(o)) : Optional.empty();
  }

  Map<String, Object> spec() {
    return spec;
  }

  /** Multi-host groups ({@code numOfHosts} > 1) get a headless worker service. */
  boolean multiHost() {
    return workerGroups().stream().anyMatch(g -> g.numOfHosts() > 1);
  }

  Map<String, String> headServiceAnnotations() {
    return Maps.stringMap(spec.get("headServiceAnnotations"));
  }

  List<WorkerGroup> workerGroups() {
    List<WorkerGroup> groups = new ArrayList<>();
    for (Object o : Maps.list(spec.get("workerGroupSpecs"))) {
      Map<String, Object> g = Maps.map(o);
      groups.add(
          new WorkerGroup(
              Maps.string(g, "groupName").orElse(""),
              Maps.integer(g, "replicas").orElse(0),
              Maps.integer(g, "minReplicas").orElse(0),
              Maps.integer(g, "maxReplicas").orElse(Integer.MAX_VALUE),
              Maps.integer(g, "numOfHosts").orElse(1),
              Maps.stringMap(g.get("rayStartParams")),
              Json.convert(Maps.map(g.get("template")), PodTemplateSpec.class),
              Maps.list(Maps.get(g, "scaleStrategy", "workersToDelete")).stream()
                  .map(String::valueOf)
                  .toList(),
              Maps.bool(g, "suspend"),
              Maps.stringMap(g.get("resources")),
              Maps.stringMap(g.get("labels")),
              g));
    }
    return groups;
  }

  /** One entry of {@code spec.workerGroupSpecs}. */
  record WorkerGroup(
      String name,
      int replicas,
      int minReplicas,
      int maxReplicas,
      int numOfHosts,
      Map<String, String> rayStartParams,
      PodTemplateSpec template,
      List<String> workersToDelete,
      boolean suspended,
      Map<String, String> groupResources,
      Map<String, String> groupLabels,
      Map<String, Object> raw) {

    /** Replicas as the operator uses them: clamped into [min, max] and times hosts per replica. */
    int desiredPods() {
      if (suspended) {
        return 0;
      }
      int r;
      if (minReplicas > maxReplicas) {
        r = maxReplicas;
      } else {
        r = Math.max(minReplicas, Math.min(replicas, maxReplicas));
      }
      return Math.max(0, r) * Math.max(1, numOfHosts);
    }
  }
}
