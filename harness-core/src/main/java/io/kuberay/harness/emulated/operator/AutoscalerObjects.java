package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;

/**
 * {@code reconcileAutoscalerServiceAccount}, {@code ...Role} and {@code ...RoleBinding}: each is
 * created once when missing and never updated. A head pod that names its own service account must
 * find it: the operator does not create one under a name the user chose.
 */
final class AutoscalerObjects {

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final EventRecorder events;

  AutoscalerObjects(KubernetesClient client, OperatorFlavor flavor, EventRecorder events) {
    this.client = client;
    this.flavor = flavor;
    this.events = events;
  }

  /**
   * Whether reconciling may go on: false after the warning about a missing user-named service
   * account.
   */
  boolean reconcile(RayClusterView cluster) {
    String ns = cluster.namespace();
    String saName = HeadServiceFactory.checkName(AutoscalerSidecar.serviceAccountName(cluster));
    if (client.serviceAccounts().inNamespace(ns).withName(saName).get() == null) {
      String own =
          cluster.headTemplate().getSpec() == null
              ? null
              : cluster.headTemplate().getSpec().getServiceAccountName();
      if (saName.equals(own)) {
        String message =
            "If users specify ServiceAccountName for the head Pod, they need to create a ServiceAccount themselves. "
                + "However, ServiceAccount "
                + saName
                + " is not found. Please create one. See the PR description of "
                + "https://github.com/ray-project/kuberay/pull/1128 for more details.";
        if (flavor.modernEvents()) {
          // v1.1.0 only logs it.
          events.warning(
              cluster.resource(),
              "AutoscalerServiceAccountNotFound",
              "Failed to reconcile RayCluster " + ns + "/" + cluster.name() + ". " + message);
        }
        return false;
      }
      create(
          cluster,
          AutoscalerRbac.serviceAccount(cluster),
          "CreatedServiceAccount",
          "service account");
    }
    if (client
            .rbac()
            .roles()
            .inNamespace(ns)
            .withName(HeadServiceFactory.checkName(cluster.name()))
            .get()
        == null) {
      create(cluster, AutoscalerRbac.role(flavor, cluster), "CreatedRole", "role");
    }
    if (client
            .rbac()
            .roleBindings()
            .inNamespace(ns)
            .withName(HeadServiceFactory.checkName(cluster.name()))
            .get()
        == null) {
      create(cluster, AutoscalerRbac.roleBinding(cluster), "CreatedRoleBinding", "role binding");
    }
    return true;
  }

  private void create(RayClusterView cluster, HasMetadata object, String reason, String what) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return; // created meanwhile: nothing to do
      }
      throw e;
    }
    String name = object.getMetadata().getName();
    events.normal(
        cluster.resource(),
        flavor.eventReason(reason),
        flavor.modernEvents()
            ? "Created " + what + " " + cluster.namespace() + "/" + name
            : "Created " + what + " " + name);
  }
}
