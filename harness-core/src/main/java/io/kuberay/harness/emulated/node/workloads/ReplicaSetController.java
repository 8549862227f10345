package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ReplicaSet controller of kube-controller-manager (Kubernetes 1.31): keeps {@code
 * spec.replicas} pods made from the template ({@code <rs>-<5 random>}, the ReplicaSet as their
 * controller), replaces a pod that was deleted or ended, deletes the surplus (not-ready and newest
 * first), and counts {@code replicas}, {@code fullyLabeledReplicas}, {@code readyReplicas} and
 * {@code availableReplicas} (a ready pod is available: {@code minReadySeconds} is not waited for),
 * with the controller's {@code SuccessfulCreate}/{@code SuccessfulDelete} events; a pod the API
 * server refuses is a {@code FailedCreate} warning and the {@code ReplicaFailure} condition. Pods
 * are not adopted or released by selector: a ReplicaSet counts the pods it made.
 */
public final class ReplicaSetController implements AutoCloseable {

  static final ResourceRef REPLICA_SETS = new ResourceRef("apps", "v1", "replicasets");
  static final ResourceRef PODS = new ResourceRef("", "v1", "pods");
  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final EventRecorder events;
  private final OwnerIndex owners = new OwnerIndex();
  private final ReconcileLoop loop = new ReconcileLoop("replicaset-controller", this::reconcile);
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public ReplicaSetController(
      KubernetesClient client, ObjectEvents objectEvents, EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.events = events;
  }

  /** Watches ReplicaSets and the pods they own; the first events queue every ReplicaSet. */
  public ReplicaSetController start() {
    watches.add(objectEvents.watch(REPLICA_SETS, null, owners.ownerListener(loop)));
    watches.add(objectEvents.watch(PODS, null, owners.dependentListener(loop)));
    return this;
  }

  private void reconcile(String key) {
    ReplicaSet rs =
        client
            .apps()
            .replicaSets()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (rs == null || rs.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    List<Pod> pods = new ArrayList<>(activePods(rs));
    int wanted = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    KubernetesClientException createFailed = null;
    for (int i = pods.size(); i < wanted && createFailed == null; i++) {
      try {
        pods.add(createPod(rs));
      } catch (KubernetesClientException e) {
        createFailed = e;
      }
    }
    if (pods.size() > wanted) {
      pods.sort(
          Comparator.comparing((Pod p) -> WorkloadPods.ready(p))
              .thenComparing(
                  p -> String.valueOf(p.getMetadata().getCreationTimestamp()),
                  Comparator.reverseOrder()));
      while (pods.size() > wanted) {
        Pod p = pods.remove(0);
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .delete();
        events.normal(rs, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
      }
    }
    int ready = (int) pods.stream().filter(WorkloadPods::ready).count();
    ReplicaSetStatus status = new ReplicaSetStatus();
    status.setReplicas(pods.size());
    status.setFullyLabeledReplicas(WorkloadPods.omitZero(pods.size()));
    status.setReadyReplicas(WorkloadPods.omitZero(ready));
    status.setAvailableReplicas(WorkloadPods.omitZero(ready));
    status.setObservedGeneration(rs.getMetadata().getGeneration());
    status.setConditions(conditions(orEmpty(rs.getStatus()), createFailed));
    if (!Objects.equals(Json.toMap(status), Json.toMap(orEmpty(rs.getStatus())))) {
      rs.setStatus(status);
      try {
        client
            .apps()
            .replicaSets()
            .inNamespace(rs.getMetadata().getNamespace())
            .resource(rs)
            .updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e; // a conflict: the loop retries with the ReplicaSet as it is now
        }
      }
    }
    if (createFailed != null) {
      throw createFailed; // the loop retries, growing its delay, as the controller's queue does
    }
  }

  /**
   * calculateStatus's {@code ReplicaFailure} condition: set (True, {@code FailedCreate}, the API
   * server's message) when a pod could not be made and it is not set yet, removed once creating
   * works again.
   */
  private static List<ReplicaSetCondition> conditions(
      ReplicaSetStatus current, KubernetesClientException createFailed) {
    List<ReplicaSetCondition> conditions =
        new ArrayList<>(current.getConditions() == null ? List.of() : current.getConditions());
    boolean present = conditions.stream().anyMatch(c -> REPLICA_FAILURE.equals(c.getType()));
    if (createFailed != null && !present) {
      conditions.add(
          new ReplicaSetConditionBuilder()
              .withType(REPLICA_FAILURE)
              .withStatus("True")
              .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
              .withReason("FailedCreate")
              .withMessage(ApiStatusMessage.of(createFailed))
              .build());
    } else if (createFailed == null) {
      conditions.removeIf(c -> REPLICA_FAILURE.equals(c.getType()));
    }
    return conditions.isEmpty() ? null : conditions;
  }

  private static ReplicaSetStatus orEmpty(ReplicaSetStatus s) {
    return s == null ? new ReplicaSetStatus() : s;
  }

  private List<Pod> activePods(ReplicaSet rs) {
    return client.pods().inNamespace(rs.getMetadata().getNamespace()).list().getItems().stream()
        .filter(p -> WorkloadPods.controlledBy(p.getMetadata(), rs))
        .filter(WorkloadPods::active)
        .toList();
  }

  private Pod createPod(ReplicaSet rs) {
    Pod pod =
        WorkloadPods.podFrom(rs.getSpec().getTemplate(), rs, Map.of())
            .editMetadata()
            .withGenerateName(rs.getMetadata().getName() + "-")
            .endMetadata()
            .build();
    try {
      Pod created = client.resource(pod).create();
      events.normal(rs, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
      ReplicaSet now =
          client
              .apps()
              .replicaSets()
              .inNamespace(rs.getMetadata().getNamespace())
              .withName(rs.getMetadata().getName())
              .get();
      if (now == null || !now.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
        // The ReplicaSet went (and the garbage collector with it) while the pod was being made:
        // the collector's part, for the pod it could not see yet.
        client.resource(created).delete();
      }
      return created;
    } catch (KubernetesClientException e) {
      events.warning(rs, "FailedCreate", "Error creating: " + ApiStatusMessage.of(e));
      throw e;
    }
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
