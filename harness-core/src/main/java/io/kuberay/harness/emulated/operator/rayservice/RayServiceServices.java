package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.operator.HeadServiceFactory;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.operator.RayClusterView;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The RayService's {@code reconcileServices}: creates its head and serve services owned by it, or
 * points them at another cluster. A service already selecting that cluster is left as it is, so a
 * changed {@code serveService} (or head ports) takes effect only at the next switch of clusters,
 * and then only in the spec: the labels, annotations and name stay as first created.
 */
final class RayServiceServices {

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final EventRecorder events;
  private final HeadServiceFactory headServices;

  RayServiceServices(KubernetesClient client, OperatorFlavor flavor, EventRecorder events) {
    this.client = client;
    this.flavor = flavor;
    this.events = events;
    this.headServices = new HeadServiceFactory(flavor);
  }

  /**
   * Points both services at {@code cluster}; the operator's error text when the serve service
   * cannot be built (no serve port and no {@code serveService}), after the head service is done.
   */
  Optional<String> reconcile(RayServiceView service, GenericKubernetesResource cluster) {
    upsert(
        service,
        headServices.buildForRayService(
            new RayClusterView(cluster), service.name(), service.namespace()));
    Optional<Service> serve = ServeServices.build(flavor, service, cluster);
    if (serve.isEmpty()) {
      return Optional.of(ServeServices.missingPortMessage(flavor));
    }
    upsert(service, serve.get());
    return Optional.empty();
  }

  /**
   * Creates the service with the RayService as its controller, or, when it selects another cluster,
   * replaces its spec by the new one keeping the allocated cluster IP (Go's {@code r.Update} of the
   * old object with the new spec).
   */
  private void upsert(RayServiceView service, Service desired) {
    String ns = service.namespace();
    String name = desired.getMetadata().getName();
    Service existing = client.services().inNamespace(ns).withName(name).get();
    if (existing == null) {
      List<OwnerReference> owners = new ArrayList<>();
      if (desired.getMetadata().getOwnerReferences() != null) {
        owners.addAll(desired.getMetadata().getOwnerReferences());
      }
      owners.add(owner(service));
      desired.getMetadata().setOwnerReferences(owners);
      call(
          service,
          "Created",
          "FailedToCreateService",
          "create",
          ns,
          name,
          () -> client.resource(desired).create());
      return;
    }
    if (Objects.equals(cluster(existing), cluster(desired))) {
      return;
    }
    // The stored cluster IP (v1.3.0+ always; before, unless the user's serveService names one,
    // which the API server then refuses as a change).
    String ownIp = desired.getSpec().getClusterIP();
    if (flavor.overwritesServiceClusterIp() || ownIp == null || ownIp.isEmpty()) {
      desired.getSpec().setClusterIP(existing.getSpec().getClusterIP());
    }
    existing.setSpec(desired.getSpec());
    call(
        service,
        "Updated",
        "FailedToUpdateService",
        "update",
        ns,
        name,
        () -> client.resource(existing).update());
  }

  /**
   * Runs the write; from v1.5.0 records {@code CreatedService}/{@code UpdatedService}, or the
   * failure's Warning with the API server's message before the error goes to the reconcile loop.
   */
  private void call(
      RayServiceView service,
      String done,
      String failed,
      String verb,
      String ns,
      String name,
      Runnable write) {
    try {
      write.run();
    } catch (KubernetesClientException e) {
      if (flavor.modernEvents()) {
        String why = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
        events.warning(
            service.resource(),
            failed,
            "Failed to " + verb + " the service " + ns + "/" + name + ", " + why);
      }
      throw e;
    }
    if (flavor.modernEvents()) {
      events.normal(service.resource(), done + "Service", done + " the service " + ns + "/" + name);
    }
  }

  private static String cluster(Service service) {
    return service.getSpec().getSelector() == null
        ? null
        : service.getSpec().getSelector().get(Labels.CLUSTER);
  }

  /** {@code ctrl.SetControllerReference}: the RayService as controller, blocking deletion. */
  static OwnerReference owner(RayServiceView service) {
    return new OwnerReferenceBuilder()
        .withApiVersion("ray.io/v1")
        .withKind("RayService")
        .withName(service.name())
        .withUid(service.resource().getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
