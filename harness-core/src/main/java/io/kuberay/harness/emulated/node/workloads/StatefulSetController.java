package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The StatefulSet controller of kube-controller-manager (Kubernetes 1.31): pods {@code
 * <sts>-0..n-1} with the {@code statefulset.kubernetes.io/pod-name}, {@code
 * apps.kubernetes.io/pod-index} and {@code controller-revision-hash} labels, {@code hostname} and
 * {@code subdomain} (the governing service) set; with {@code OrderedReady} (the default) each made
 * only once the one before is Ready and scaled down from the highest ordinal, one at a time; with
 * {@code Parallel} all at once. Each {@code volumeClaimTemplates} entry becomes a claim {@code
 * <claim>-<sts>-<ordinal>} made before its pod and kept after it (retention policy Retain: the
 * default), mounted by the pod in place of the template's volume of that name. A changed template
 * is rolled out ({@code RollingUpdate}, from the highest ordinal, each pod replaced once all are
 * Ready; {@code partition} honoured; {@code OnDelete} waits for the user). A pod that ended or was
 * deleted is made again. Status: {@code replicas}, {@code readyReplicas}, {@code currentReplicas},
 * {@code updatedReplicas}, {@code availableReplicas} (ready is available: minReadySeconds is not
 * waited for), revisions. No ControllerRevision objects are written: the revision is the pod
 * template's hash.
 */
public final class StatefulSetController implements AutoCloseable {

  static final ResourceRef STATEFUL_SETS = new ResourceRef("apps", "v1", "statefulsets");
  static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX = "apps.kubernetes.io/pod-index";
  static final String REVISION = "controller-revision-hash";

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final EventRecorder events;
  private final OwnerIndex owners = new OwnerIndex();
  private final ReconcileLoop loop = new ReconcileLoop("statefulset-controller", this::reconcile);
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public StatefulSetController(
      KubernetesClient client, ObjectEvents objectEvents, EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.events = events;
  }

  /** Watches StatefulSets and their pods; the first events queue every StatefulSet. */
  public StatefulSetController start() {
    watches.add(objectEvents.watch(STATEFUL_SETS, null, owners.ownerListener(loop)));
    watches.add(
        objectEvents.watch(ReplicaSetController.PODS, null, owners.dependentListener(loop)));
    return this;
  }

  private void reconcile(String key) {
    StatefulSet sts =
        client
            .apps()
            .statefulSets()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (sts == null || sts.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String name = sts.getMetadata().getName();
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    String revision = name + "-" + WorkloadPods.hash(sts.getSpec().getTemplate());
    boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
    TreeMap<Integer, Pod> pods = new TreeMap<>();
    for (Pod p : client.pods().inNamespace(sts.getMetadata().getNamespace()).list().getItems()) {
      if (WorkloadPods.controlledBy(p.getMetadata(), sts)
          && p.getMetadata().getDeletionTimestamp() == null) {
        ordinal(name, p.getMetadata().getName()).ifPresent(i -> pods.put(i, p));
      }
    }
    boolean allReady = true;
    for (int i = 0; i < replicas; i++) {
      Pod p = pods.get(i);
      if (p != null && !WorkloadPods.active(p)) {
        // An ended pod is deleted and made again, as the controller does.
        delete(sts, p);
        pods.remove(i);
        p = null;
      }
      if (p == null) {
        pods.put(i, createPod(sts, i, revision));
        allReady = false;
        if (!parallel) {
          break;
        }
      } else if (!WorkloadPods.ready(p)) {
        allReady = false;
        if (!parallel) {
          break;
        }
      }
    }
    List<Integer> condemned = new ArrayList<>(pods.tailMap(replicas, true).descendingKeySet());
    if (!condemned.isEmpty() && (parallel || allReady)) {
      for (int i : parallel ? condemned : condemned.subList(0, 1)) {
        delete(sts, pods.remove(i));
      }
    } else if (condemned.isEmpty() && allReady && rollingUpdate(sts)) {
      int partition = partition(sts);
      for (int i : pods.descendingKeySet()) {
        if (i >= partition && !revision.equals(labels(pods.get(i)).get(REVISION))) {
          delete(sts, pods.remove(i)); // made again from the new template on the next pass
          break;
        }
      }
    }
    writeStatus(sts, new ArrayList<>(pods.values()), revision, replicas);
  }

  private static boolean rollingUpdate(StatefulSet sts) {
    return sts.getSpec().getUpdateStrategy() == null
        || !"OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
  }

  private static int partition(StatefulSet sts) {
    return sts.getSpec().getUpdateStrategy() == null
            || sts.getSpec().getUpdateStrategy().getRollingUpdate() == null
        ? 0
        : WorkloadPods.orZero(sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition());
  }

  static Optional<Integer> ordinal(String sts, String pod) {
    if (!pod.startsWith(sts + "-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(pod.substring(sts.length() + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> labels(Pod p) {
    return p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
  }

  private Pod createPod(StatefulSet sts, int ordinal, String revision) {
    String name = sts.getMetadata().getName() + "-" + ordinal;
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(REVISION, revision);
    extra.put(POD_NAME, name);
    extra.put(POD_INDEX, String.valueOf(ordinal));
    Pod pod =
        WorkloadPods.podFrom(sts.getSpec().getTemplate(), sts, extra)
            .editMetadata()
            .withName(name)
            .endMetadata()
            .editSpec()
            .withHostname(name)
            .withSubdomain(sts.getSpec().getServiceName())
            .endSpec()
            .build();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null
            ? new ArrayList<>()
            : new ArrayList<>(pod.getSpec().getVolumes());
    for (PersistentVolumeClaim template : claimTemplates(sts)) {
      String volume = template.getMetadata().getName();
      String claim = ensureClaim(sts, template, ordinal, name);
      volumes.removeIf(v -> volume.equals(v.getName()));
      volumes.add(
          new VolumeBuilder()
              .withName(volume)
              .withNewPersistentVolumeClaim()
              .withClaimName(claim)
              .endPersistentVolumeClaim()
              .build());
    }
    pod.getSpec().setVolumes(volumes.isEmpty() ? null : volumes);
    String stsName = sts.getMetadata().getName();
    try {
      Pod created = client.resource(pod).create();
      events.normal(
          sts,
          "SuccessfulCreate",
          "create Pod " + name + " in StatefulSet " + stsName + " successful");
      return created;
    } catch (KubernetesClientException e) {
      events.warning(
          sts,
          "FailedCreate",
          "create Pod "
              + name
              + " in StatefulSet "
              + stsName
              + " failed error: "
              + ApiStatusMessage.of(e));
      throw e;
    }
  }

  private static List<PersistentVolumeClaim> claimTemplates(StatefulSet sts) {
    return sts.getSpec().getVolumeClaimTemplates() == null
        ? List.of()
        : sts.getSpec().getVolumeClaimTemplates();
  }

  /**
   * The ordinal's claim, made when missing: the template with the StatefulSet's selector labels.
   */
  private String ensureClaim(
      StatefulSet sts, PersistentVolumeClaim template, int ordinal, String pod) {
    String stsName = sts.getMetadata().getName();
    String claim = template.getMetadata().getName() + "-" + stsName + "-" + ordinal;
    String namespace = sts.getMetadata().getNamespace();
    if (client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get() != null) {
      return claim;
    }
    ObjectMeta meta = template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.getLabels() != null) {
      labels.putAll(meta.getLabels());
    }
    if (sts.getSpec().getSelector() != null
        && sts.getSpec().getSelector().getMatchLabels() != null) {
      labels.putAll(sts.getSpec().getSelector().getMatchLabels());
    }
    PersistentVolumeClaim pvc =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(claim)
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(meta.getAnnotations())
            .endMetadata()
            .withSpec(Json.copy(template.getSpec()))
            .build();
    try {
      client.resource(pvc).create();
      events.normal(
          sts,
          "SuccessfulCreate",
          "create Claim " + claim + " Pod " + pod + " in StatefulSet " + stsName + " success");
    } catch (KubernetesClientException e) {
      events.warning(
          sts,
          "FailedCreate",
          "create Claim "
              + claim
              + " for Pod "
              + pod
              + " in StatefulSet "
              + stsName
              + " failed error: "
              + ApiStatusMessage.of(e));
      throw e;
    }
    return claim;
  }

  private void delete(StatefulSet sts, Pod p) {
    client
        .pods()
        .inNamespace(p.getMetadata().getNamespace())
        .withName(p.getMetadata().getName())
        .delete();
    events.normal(
        sts,
        "SuccessfulDelete",
        "delete Pod "
            + p.getMetadata().getName()
            + " in StatefulSet "
            + sts.getMetadata().getName()
            + " successful");
  }

  private void writeStatus(StatefulSet sts, List<Pod> pods, String revision, int replicas) {
    StatefulSetStatus before = sts.getStatus() == null ? new StatefulSetStatus() : sts.getStatus();
    int ready = (int) pods.stream().filter(WorkloadPods::ready).count();
    int updated = (int) pods.stream().filter(p -> revision.equals(labels(p).get(REVISION))).count();
    // The current revision moves to the update revision once every replica runs it.
    String current =
        before.getCurrentRevision() == null || (updated == replicas && pods.size() == replicas)
            ? revision
            : before.getCurrentRevision();
    int currentCount =
        (int) pods.stream().filter(p -> current.equals(labels(p).get(REVISION))).count();
    StatefulSetStatus status = new StatefulSetStatus();
    status.setObservedGeneration(sts.getMetadata().getGeneration());
    status.setReplicas(pods.size());
    status.setReadyReplicas(WorkloadPods.omitZero(ready));
    status.setCurrentReplicas(WorkloadPods.omitZero(currentCount));
    status.setUpdatedReplicas(WorkloadPods.omitZero(updated));
    status.setAvailableReplicas(ready);
    status.setCurrentRevision(current);
    status.setUpdateRevision(revision);
    status.setCollisionCount(0);
    if (Objects.equals(Json.toMap(before), Json.toMap(status))) {
      return;
    }
    sts.setStatus(status);
    try {
      client
          .apps()
          .statefulSets()
          .inNamespace(sts.getMetadata().getNamespace())
          .resource(sts)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e; // a conflict: the loop retries with the StatefulSet as it is now
      }
    }
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
