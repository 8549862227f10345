package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A read-only typed view of a RayCluster custom resource as the operator reads it. */
final class RayClusterView {

  private final GenericKubernetesResource resource;
  private final Map<String, Object> spec;

  RayClusterView(GenericKubernetesResource resource) {
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
    return Json.convert(Maps.map(Maps.get(spec, "headGroupSpec", "template")), PodTemplateSpec.class);
  }

  Optional<String> serviceType() {
    return Maps.string(spec, "headGroupSpec", "serviceType");
  }

  /** {@code headGroupSpec.headService}: a Service template whose name and fields override the defaults. */
  Optional<Service> headServiceTemplate() {
    Object svc = Maps.get(spec, "headGroupSpec", "headService");
    return svc instanceof Map<?, ?> ? Optional.of(Json.convert(svc, Service.class)) : Optional.empty();
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
              Maps.list(Maps.get(g, "scaleStrategy", "workersToDelete")).stream().map(String::valueOf).toList(),
              Maps.bool(g, "suspend")));
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
      boolean suspended) {

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
