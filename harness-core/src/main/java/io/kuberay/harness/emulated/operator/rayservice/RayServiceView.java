package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read access to a RayService's spec and status as the controller needs them. */
final class RayServiceView {

  private final GenericKubernetesResource resource;

  RayServiceView(GenericKubernetesResource resource) {
    this.resource = resource;
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

  Map<String, Object> spec() {
    return Maps.map(resource.getAdditionalProperties().get("spec"));
  }

  Map<String, Object> clusterSpec() {
    return Maps.map(spec().get("rayClusterConfig"));
  }

  String serveConfig() {
    return Maps.string(spec(), "serveConfigV2").orElse("");
  }

  /** A copy of the stored status, to change and write back. */
  Map<String, Object> status() {
    return new LinkedHashMap<>(
        Json.toMap(Maps.map(resource.getAdditionalProperties().get("status"))));
  }

  /** v1.5.0+: {@code spec.upgradeStrategy.type: None} turns the zero-downtime upgrade off. */
  boolean zeroDowntime() {
    return !"None".equals(Maps.string(spec(), "upgradeStrategy", "type").orElse("NewCluster"));
  }

  Optional<Integer> deletionDelaySeconds() {
    return Maps.integer(spec(), "rayClusterDeletionDelaySeconds");
  }

  /** v1.7.0's {@code spec.suspend}. */
  boolean suspend() {
    return Maps.bool(spec(), "suspend");
  }

  /**
   * v1.7.0's {@code ManagedByExternalController}: {@code spec.managedBy} set to anything but {@code
   * ray.io/kuberay-operator} (the CRD allows only {@code kueue.x-k8s.io/multikueue}) names the
   * controller that manages the RayService instead.
   */
  Optional<String> externalManager() {
    Object managedBy = spec().get("managedBy");
    return managedBy == null || "ray.io/kuberay-operator".equals(managedBy)
        ? Optional.empty()
        : Optional.of(String.valueOf(managedBy));
  }

  Map<String, String> annotations() {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  boolean hasFinalizer(String finalizer) {
    List<String> finalizers = resource.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(finalizer);
  }

  boolean deleting() {
    return resource.getMetadata().getDeletionTimestamp() != null;
  }

  boolean excludeHeadPodFromServeSvc() {
    return Maps.bool(spec(), "excludeHeadPodFromServeSvc");
  }

  /** {@code spec.serveService}: the user's Service that the serve service is built from. */
  Optional<Service> serveServiceTemplate() {
    Object svc = spec().get("serveService");
    return svc instanceof Map<?, ?>
        ? Optional.of(Json.convert(svc, Service.class))
        : Optional.empty();
  }

  /** {@code rayClusterConfig.headGroupSpec.serviceType}, the serve service's default type. */
  Optional<String> serviceType() {
    return Maps.string(clusterSpec(), "headGroupSpec", "serviceType").filter(t -> !t.isBlank());
  }
}
