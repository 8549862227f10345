package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binds PersistentVolumeClaims as a k3s node's default storage does: the {@code local-path} class
 * when none is named, a volume {@code pvc-<claim uid>} of the requested size, phase {@code Bound}.
 * What a pod mounts for the claim is a directory of the emulated node's own, kept for the claim
 * across pods ({@code emulated.node.sandbox}). Simplified: no PersistentVolume object is written,
 * and the claim is bound at once (local-path waits for the first pod: WaitForFirstConsumer).
 */
public final class ClaimBinder implements AutoCloseable {

  static final ResourceRef CLAIMS = new ResourceRef("", "v1", "persistentvolumeclaims");
  static final String STORAGE_CLASS = "local-path";

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final ReconcileLoop loop = new ReconcileLoop("claim-binder", this::reconcile);
  private ObjectEvents.Subscription watch;

  public ClaimBinder(KubernetesClient client, ObjectEvents objectEvents) {
    this.client = client;
    this.objectEvents = objectEvents;
  }

  public ClaimBinder start() {
    watch =
        objectEvents.watch(
            CLAIMS,
            null,
            (type, c) -> {
              if (!"DELETED".equals(type)) {
                loop.enqueue(ObjectKeys.of(c.namespace(), c.name()));
              }
            });
    return this;
  }

  private void reconcile(String key) {
    PersistentVolumeClaim pvc =
        client
            .persistentVolumeClaims()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (pvc == null
        || pvc.getMetadata().getDeletionTimestamp() != null
        || (pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase()))) {
      return;
    }
    if (pvc.getSpec().getStorageClassName() == null) {
      pvc.getSpec().setStorageClassName(STORAGE_CLASS);
    }
    if (pvc.getSpec().getVolumeName() == null) {
      pvc.getSpec().setVolumeName("pvc-" + pvc.getMetadata().getUid());
      Map<String, String> annotations =
          pvc.getMetadata().getAnnotations() == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(pvc.getMetadata().getAnnotations());
      annotations.put("pv.kubernetes.io/bind-completed", "yes");
      annotations.put("pv.kubernetes.io/bound-by-controller", "yes");
      annotations.put("volume.beta.kubernetes.io/storage-provisioner", "rancher.io/local-path");
      annotations.put("volume.kubernetes.io/storage-provisioner", "rancher.io/local-path");
      pvc.getMetadata().setAnnotations(annotations);
      pvc = client.resource(pvc).update();
    }
    PersistentVolumeClaimStatus status = new PersistentVolumeClaimStatus();
    status.setPhase("Bound");
    status.setAccessModes(pvc.getSpec().getAccessModes());
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    if (pvc.getSpec().getResources() != null
        && pvc.getSpec().getResources().getRequests() != null
        && pvc.getSpec().getResources().getRequests().get("storage") != null) {
      capacity.put("storage", pvc.getSpec().getResources().getRequests().get("storage"));
    }
    status.setCapacity(capacity.isEmpty() ? null : capacity);
    pvc.setStatus(status);
    try {
      client.resource(pvc).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    loop.close();
  }
}
