package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * v1.7.0's {@code handleSuspend}, the {@code spec.suspend} state machine: (no suspend) →
 * spec.suspend true → Suspending (committed in the status first, the service statuses reset) → the
 * RayService's RayClusters and Services deleted ({@code deleteRayServiceOwnedResources}) →
 * Suspended → spec.suspend false → resumed, Ready and UpgradeInProgress Initializing again with a
 * fresh transition time (so that the initializing timeout counts from the resume). Once Suspending
 * is stored the deletion runs to its end whatever spec.suspend says then. While Suspending or
 * Suspended is True ({@link RayServiceConditions#suspendIsOperative}) the reconcile stops after
 * writing the status.
 */
final class RayServiceSuspend {

  private final KubernetesClient client;
  private final EventRecorder events;

  RayServiceSuspend(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** What the reconcile does after {@link #handle}. */
  enum Step {
    /** Not suspended, no suspend asked for: the reconcile goes on. */
    CONTINUE,
    /**
     * Resumed: the status is written and the reconcile goes on (the emulator goes on in a new pass
     * at once, from the written status).
     */
    RESUMED,
    /** Suspending or just Suspended: the status is written, the reconcile stops and requeues. */
    REQUEUE,
    /** Suspended and staying so: nothing to do, no requeue. */
    STOP
  }

  /** Changes {@code status} as handleSuspend does. */
  Step handle(RayServiceView service, Map<String, Object> status) {
    boolean suspending = RayServiceConditions.isTrue(status, "Suspending");
    boolean suspended = RayServiceConditions.isTrue(status, "Suspended");
    if (suspended) {
      if (!service.suspend()) {
        status.put("observedGeneration", service.resource().getMetadata().getGeneration());
        RayServiceConditions.set(
            status,
            "Suspended",
            "False",
            "RayServiceResumed",
            "Spec.Suspend is false; RayService has resumed.");
        // Remove + set: a fresh lastTransitionTime re-arms the initializing timeout.
        String message = "RayService is initializing after resuming from suspend.";
        RayServiceConditions.remove(status, "Ready");
        RayServiceConditions.set(status, "Ready", "False", "Initializing", message);
        RayServiceConditions.remove(status, "UpgradeInProgress");
        RayServiceConditions.set(status, "UpgradeInProgress", "False", "Initializing", message);
        return Step.RESUMED;
      }
      return Step.STOP;
    }
    if (!suspending) {
      if (!service.suspend()) {
        return Step.CONTINUE;
      }
      status.put("observedGeneration", service.resource().getMetadata().getGeneration());
      RayServiceConditions.set(
          status,
          "Suspending",
          "True",
          "SuspendRequested",
          "Spec.Suspend is true; will delete all Kubernetes resources owned by this RayService.");
      RayServiceConditions.set(
          status, "Ready", "False", "SuspendInProgress", "RayService is suspending.");
      RayServiceConditions.set(
          status, "UpgradeInProgress", "False", "SuspendInProgress", "No upgrade in progress.");
      RayServiceConditions.set(
          status, "RollbackInProgress", "False", "SuspendInProgress", "No rollback in progress.");
      status.put("activeServiceStatus", new LinkedHashMap<>());
      status.put("pendingServiceStatus", new LinkedHashMap<>());
      status.put("numServeEndpoints", 0);
      status.remove("serviceStatus"); // NotRunning, the empty string, omitted
      return Step.REQUEUE;
    }
    if (!deleteOwnedResources(service)) {
      RayServiceConditions.set(
          status,
          "Suspending",
          "True",
          "SuspendInProgress",
          "Waiting for all Kubernetes resources owned by this RayService to be deleted.");
      return Step.REQUEUE;
    }
    String deleted = "All owned resources have been deleted.";
    RayServiceConditions.set(status, "Suspending", "False", "SuspendComplete", deleted);
    RayServiceConditions.set(status, "Suspended", "True", "SuspendComplete", deleted);
    RayServiceConditions.set(
        status, "Ready", "False", "SuspendComplete", "RayService is suspended.");
    RayServiceConditions.set(
        status, "UpgradeInProgress", "False", "SuspendComplete", "No upgrade in progress.");
    RayServiceConditions.set(
        status, "RollbackInProgress", "False", "SuspendComplete", "No rollback in progress.");
    // Requeued so that a spec.suspend set back to false meanwhile is seen.
    return Step.REQUEUE;
  }

  /**
   * {@code deleteRayServiceOwnedResources}: deletes the RayClusters and Services labelled as this
   * RayService's (those already terminating are waited for); true when none was left. The Gateway
   * and HTTPRoute of an incremental upgrade are not emulated, so there are none to delete.
   */
  private boolean deleteOwnedResources(RayServiceView service) {
    String ns = service.namespace();
    var clusters =
        client.genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS).inNamespace(ns);
    var services = client.services().inNamespace(ns);
    boolean noClusters = deleteOwned(service, clusters, "RayCluster");
    boolean noServices = deleteOwned(service, services, "Service");
    return noClusters && noServices;
  }

  /** One kind's labelled objects: each live one deleted with its event; true when none was left. */
  private <T extends HasMetadata> boolean deleteOwned(
      RayServiceView service,
      NonNamespaceOperation<T, ? extends KubernetesResourceList<T>, ? extends Resource<T>> objects,
      String kind) {
    String ns = service.namespace();
    List<T> owned =
        objects
            .withLabel(Labels.ORIGINATED_FROM_CR_NAME, service.name())
            .withLabel(Labels.ORIGINATED_FROM_CRD, "RayService")
            .list()
            .getItems();
    for (T object : owned) {
      if (object.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String name = object.getMetadata().getName();
      try {
        // As v1.7.0: client.PropagationPolicy(metav1.DeletePropagationBackground).
        objects.withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      } catch (KubernetesClientException e) {
        events.warning(
            service.resource(),
            "FailedToDelete" + kind,
            "Failed to delete the "
                + kind
                + " "
                + ns
                + "/"
                + name
                + " during suspend: "
                + ApiStatusMessage.of(e));
        throw e; // Go returns the error: the reconcile is retried, the status left as it was
      }
      events.normal(
          service.resource(),
          "Deleted" + kind,
          "Deleted the " + kind + " " + ns + "/" + name + " during suspend");
    }
    return owned.isEmpty();
  }
}
