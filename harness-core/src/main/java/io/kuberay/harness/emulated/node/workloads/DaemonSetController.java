package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The DaemonSet controller of kube-controller-manager (Kubernetes 1.31) on a one-node cluster: one
 * pod {@code <ds>-<5 random>} on the emulated node when the template's {@code nodeSelector} matches
 * the node's labels, pinned to it with a required node affinity on {@code metadata.name} and the
 * tolerations the controller adds, labelled {@code controller-revision-hash} and {@code
 * pod-template-generation}; a deleted or ended pod is made again, a pod of an older template
 * replaced (RollingUpdate; OnDelete waits); status {@code desiredNumberScheduled}, {@code
 * currentNumberScheduled}, {@code numberReady}, {@code numberAvailable}, {@code
 * updatedNumberScheduled}, {@code numberUnavailable}; events {@code SuccessfulCreate} / {@code
 * SuccessfulDelete}. Node affinity and taints of the template are left to the scheduler (the pod is
 * made and stays Pending with its FailedScheduling reason, where the real controller makes none).
 */
final class DaemonSetController implements AutoCloseable {

  static final ResourceRef DAEMON_SETS = new ResourceRef("apps", "v1", "daemonsets");

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final EventRecorder events;
  private final OwnerIndex owners = new OwnerIndex();
  private final ReconcileLoop loop = new ReconcileLoop("daemonset-controller", this::reconcile);
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  DaemonSetController(KubernetesClient client, ObjectEvents objectEvents, EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.events = events;
  }

  DaemonSetController start() {
    watches.add(objectEvents.watch(DAEMON_SETS, null, owners.ownerListener(loop)));
    watches.add(
        objectEvents.watch(ReplicaSetController.PODS, null, owners.dependentListener(loop)));
    return this;
  }

  private void reconcile(String key) {
    DaemonSet ds =
        client
            .apps()
            .daemonSets()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (ds == null || ds.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    Node node = client.nodes().list().getItems().stream().findFirst().orElse(null);
    if (node == null) {
      loop.enqueueAfter(key, Duration.ofSeconds(1));
      return;
    }
    int desired = selects(ds, node) ? 1 : 0;
    String revision = WorkloadPods.hash(ds.getSpec().getTemplate());
    boolean onDelete =
        ds.getSpec().getUpdateStrategy() != null
            && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
    List<Pod> pods =
        new ArrayList<>(
            client.pods().inNamespace(ds.getMetadata().getNamespace()).list().getItems().stream()
                .filter(p -> WorkloadPods.controlledBy(p.getMetadata(), ds))
                .filter(WorkloadPods::active)
                .toList());
    while (pods.size() > desired) {
      delete(ds, pods.remove(pods.size() - 1));
    }
    if (!onDelete
        && pods.size() == 1
        && !revision.equals(labels(pods.get(0)).get(StatefulSetController.REVISION))) {
      delete(ds, pods.remove(0)); // made again from the new template on the next pass
    }
    if (pods.size() < desired) {
      pods.add(createPod(ds, node, revision));
    }
    int ready = (int) pods.stream().filter(WorkloadPods::ready).count();
    int updated =
        (int)
            pods.stream()
                .filter(p -> revision.equals(labels(p).get(StatefulSetController.REVISION)))
                .count();
    DaemonSetStatus status = new DaemonSetStatus();
    status.setObservedGeneration(ds.getMetadata().getGeneration());
    status.setDesiredNumberScheduled(desired);
    status.setCurrentNumberScheduled(pods.size());
    status.setNumberMisscheduled(0);
    status.setNumberReady(ready);
    status.setNumberAvailable(WorkloadPods.omitZero(ready));
    status.setNumberUnavailable(WorkloadPods.omitZero(desired - ready));
    status.setUpdatedNumberScheduled(WorkloadPods.omitZero(updated));
    DaemonSetStatus before = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
    if (Objects.equals(Json.toMap(before), Json.toMap(status))) {
      return;
    }
    ds.setStatus(status);
    try {
      client
          .apps()
          .daemonSets()
          .inNamespace(ds.getMetadata().getNamespace())
          .resource(ds)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e; // a conflict: the loop retries with the DaemonSet as it is now
      }
    }
  }

  /** Whether the template's nodeSelector matches the node's labels. */
  private static boolean selects(DaemonSet ds, Node node) {
    Map<String, String> selector = ds.getSpec().getTemplate().getSpec().getNodeSelector();
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    return selector == null
        || selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static Map<String, String> labels(Pod p) {
    return p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
  }

  private Pod createPod(DaemonSet ds, Node node, String revision) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(StatefulSetController.REVISION, revision);
    extra.put(
        "pod-template-generation",
        String.valueOf(
            ds.getMetadata().getGeneration() == null ? 1 : ds.getMetadata().getGeneration()));
    Pod pod =
        WorkloadPods.podFrom(ds.getSpec().getTemplate(), ds, extra)
            .editMetadata()
            .withGenerateName(ds.getMetadata().getName() + "-")
            .endMetadata()
            .build();
    // The controller pins the pod to its node (replacing any node affinity of the template's) and
    // adds the tolerations of daemons.
    pod.getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .withMatchFields(
                    new NodeSelectorRequirementBuilder()
                        .withKey("metadata.name")
                        .withOperator("In")
                        .withValues(node.getMetadata().getName())
                        .build())
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null
            ? new ArrayList<>()
            : new ArrayList<>(pod.getSpec().getTolerations());
    for (String[] t :
        new String[][] {
          {"node.kubernetes.io/not-ready", "NoExecute"},
          {"node.kubernetes.io/unreachable", "NoExecute"},
          {"node.kubernetes.io/disk-pressure", "NoSchedule"},
          {"node.kubernetes.io/memory-pressure", "NoSchedule"},
          {"node.kubernetes.io/pid-pressure", "NoSchedule"},
          {"node.kubernetes.io/unschedulable", "NoSchedule"}
        }) {
      tolerations.add(
          new TolerationBuilder().withKey(t[0]).withOperator("Exists").withEffect(t[1]).build());
    }
    pod.getSpec().setTolerations(tolerations);
    try {
      Pod created = client.resource(pod).create();
      events.normal(ds, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
      return created;
    } catch (KubernetesClientException e) {
      events.warning(ds, "FailedCreate", "Error creating: " + ApiStatusMessage.of(e));
      throw e;
    }
  }

  private void delete(DaemonSet ds, Pod p) {
    client
        .pods()
        .inNamespace(p.getMetadata().getNamespace())
        .withName(p.getMetadata().getName())
        .delete();
    events.normal(ds, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
