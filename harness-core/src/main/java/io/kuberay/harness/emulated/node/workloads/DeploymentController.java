package io.kuberay.harness.emulated.node.workloads;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Deployment controller of kube-controller-manager (Kubernetes 1.31), for what KubeRay's
 * samples and tests use: one ReplicaSet per pod template ({@code <deployment>-<pod-template-hash>},
 * the hash also as the {@code pod-template-hash} label of the ReplicaSet, its selector and its
 * pods), the {@code deployment.kubernetes.io/revision} annotation on both, scaling ({@code kubectl
 * scale}), and a changed template rolled out to a new ReplicaSet: with {@code Recreate} the old
 * ones go to zero first and the new one is made once their pods are gone; with {@code
 * RollingUpdate} the new one is scaled to {@code replicas} at once and the old ones to zero once it
 * is available (maxSurge and maxUnavailable are not stepped through: docs/PARITY.md). Status as the
 * controller calculates it, conditions {@code Available} and {@code Progressing} with the real
 * reasons and its ReplicaSets' {@code ReplicaFailure} copied, {@code ScalingReplicaSet} events.
 * {@code paused}, {@code progressDeadlineSeconds} and {@code revisionHistoryLimit} are not carried
 * out.
 */
public final class DeploymentController implements AutoCloseable {

  static final ResourceRef DEPLOYMENTS = new ResourceRef("apps", "v1", "deployments");
  static final String HASH = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";
  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final EventRecorder events;
  private final Predicate<Deployment> runElsewhere;
  private final OwnerIndex owners = new OwnerIndex();
  private final ReconcileLoop loop = new ReconcileLoop("deployment-controller", this::reconcile);
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  /**
   * @param runElsewhere Deployments another part of the emulator runs (the KubeRay operator's own),
   *     left alone here
   */
  public DeploymentController(
      KubernetesClient client,
      ObjectEvents objectEvents,
      EventRecorder events,
      Predicate<Deployment> runElsewhere) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.events = events;
    this.runElsewhere = runElsewhere;
  }

  /** Watches Deployments and their ReplicaSets; the first events queue every Deployment. */
  public DeploymentController start() {
    watches.add(objectEvents.watch(DEPLOYMENTS, null, owners.ownerListener(loop)));
    watches.add(
        objectEvents.watch(
            ReplicaSetController.REPLICA_SETS, null, owners.dependentListener(loop)));
    return this;
  }

  private void reconcile(String key) {
    Deployment d =
        client
            .apps()
            .deployments()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (d == null || d.getMetadata().getDeletionTimestamp() != null || runElsewhere.test(d)) {
      return;
    }
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String hash = WorkloadPods.hash(d.getSpec().getTemplate());
    List<ReplicaSet> all =
        client
            .apps()
            .replicaSets()
            .inNamespace(d.getMetadata().getNamespace())
            .list()
            .getItems()
            .stream()
            .filter(rs -> WorkloadPods.controlledBy(rs.getMetadata(), d))
            .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null)
            .toList();
    ReplicaSet current =
        all.stream().filter(rs -> hash.equals(labels(rs).get(HASH))).findFirst().orElse(null);
    List<ReplicaSet> old = all.stream().filter(rs -> rs != current).toList();
    ReplicaSet newRs = current;
    long maxRevision = all.stream().mapToLong(DeploymentController::revision).max().orElse(0);
    boolean recreate =
        d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
    String progressing = null;
    if (newRs == null) {
      if (recreate && (scaleAll(d, old, 0) || oldPodsLeft(old))) {
        writeStatus(d, all, null, replicas, null);
        return; // the new ReplicaSet comes once the old pods are gone
      }
      newRs = createReplicaSet(d, hash, maxRevision + 1, replicas);
      progressing = "NewReplicaSetCreated";
    } else {
      if (revision(newRs) < maxRevision) {
        // A template rolled back to: its ReplicaSet becomes the newest revision again.
        if (newRs.getMetadata().getAnnotations() == null) {
          newRs.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        newRs.getMetadata().getAnnotations().put(REVISION, String.valueOf(maxRevision + 1));
        newRs = update(newRs);
      }
      if (recreate && (scaleAll(d, old, 0) || oldPodsLeft(old))) {
        writeStatus(d, all, newRs, replicas, null);
        return;
      }
      newRs = scale(d, newRs, replicas);
    }
    if (!recreate
        && WorkloadPods.orZero(
                newRs.getStatus() == null ? null : newRs.getStatus().getAvailableReplicas())
            >= replicas
        && newRs.getSpec().getReplicas() == replicas) {
      scaleAll(d, old, 0);
    }
    annotateRevision(d, newRs);
    List<ReplicaSet> now = new ArrayList<>(old);
    now.add(newRs);
    writeStatus(d, now, newRs, replicas, progressing);
  }

  private static Map<String, String> labels(ReplicaSet rs) {
    return rs.getMetadata().getLabels() == null ? Map.of() : rs.getMetadata().getLabels();
  }

  private static long revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    try {
      return a == null || a.get(REVISION) == null ? 0 : Long.parseLong(a.get(REVISION));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean oldPodsLeft(List<ReplicaSet> old) {
    return old.stream()
        .anyMatch(
            rs -> rs.getStatus() != null && WorkloadPods.orZero(rs.getStatus().getReplicas()) > 0);
  }

  /** Scales every ReplicaSet to {@code to}; true when one had to be changed. */
  private boolean scaleAll(Deployment d, List<ReplicaSet> sets, int to) {
    boolean changed = false;
    for (ReplicaSet rs : sets) {
      if (WorkloadPods.orZero(rs.getSpec().getReplicas()) != to) {
        scale(d, rs, to);
        changed = true;
      }
    }
    return changed;
  }

  private ReplicaSet scale(Deployment d, ReplicaSet rs, int to) {
    int from = WorkloadPods.orZero(rs.getSpec().getReplicas());
    if (from == to) {
      return rs;
    }
    rs.getSpec().setReplicas(to);
    if (rs.getMetadata().getAnnotations() == null) {
      rs.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    rs.getMetadata()
        .getAnnotations()
        .put("deployment.kubernetes.io/desired-replicas", String.valueOf(desired(d)));
    ReplicaSet updated = update(rs);
    events.normal(
        d,
        "ScalingReplicaSet",
        "Scaled "
            + (to > from ? "up" : "down")
            + " replica set "
            + rs.getMetadata().getName()
            + " from "
            + from
            + " to "
            + to);
    return updated;
  }

  private ReplicaSet update(ReplicaSet rs) {
    return client
        .apps()
        .replicaSets()
        .inNamespace(rs.getMetadata().getNamespace())
        .resource(rs)
        .update();
  }

  private static int desired(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private ReplicaSet createReplicaSet(Deployment d, String hash, long revision, int replicas) {
    PodTemplateSpec template = Json.copy(d.getSpec().getTemplate());
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(HASH, hash);
    template.getMetadata().setLabels(labels);
    LabelSelector selector = Json.copy(d.getSpec().getSelector());
    Map<String, String> match = new LinkedHashMap<>();
    if (selector.getMatchLabels() != null) {
      match.putAll(selector.getMatchLabels());
    }
    match.put(HASH, hash);
    selector.setMatchLabels(match);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("deployment.kubernetes.io/desired-replicas", String.valueOf(replicas));
    annotations.put(
        "deployment.kubernetes.io/max-replicas", String.valueOf(replicas + maxSurge(d, replicas)));
    annotations.put(REVISION, String.valueOf(revision));
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(WorkloadPods.controllerRef(d))
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withMinReadySeconds(d.getSpec().getMinReadySeconds())
            .withSelector(selector)
            .withTemplate(template)
            .endSpec()
            .build();
    ReplicaSet created = client.resource(rs).create();
    if (replicas > 0) {
      events.normal(
          d,
          "ScalingReplicaSet",
          "Scaled up replica set " + rs.getMetadata().getName() + " from 0 to " + replicas);
    }
    return created;
  }

  private static int maxSurge(Deployment d, int replicas) {
    RollingUpdateDeployment r =
        d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
    if (d.getSpec().getStrategy() != null
        && "Recreate".equals(d.getSpec().getStrategy().getType())) {
      return 0;
    }
    return WorkloadPods.scaled(r == null ? null : r.getMaxSurge(), replicas, "25%", true);
  }

  /** {@code deploymentutil.MaxUnavailable}: 0 for Recreate, at least 1 when surge is 0 too. */
  static int maxUnavailable(Deployment d, int replicas) {
    if (d.getSpec().getStrategy() != null
        && "Recreate".equals(d.getSpec().getStrategy().getType())) {
      return 0;
    }
    RollingUpdateDeployment r =
        d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
    int unavailable =
        WorkloadPods.scaled(r == null ? null : r.getMaxUnavailable(), replicas, "25%", false);
    if (unavailable == 0 && maxSurge(d, replicas) == 0) {
      unavailable = 1;
    }
    return Math.min(unavailable, replicas);
  }

  /** The Deployment carries its newest ReplicaSet's revision. */
  private void annotateRevision(Deployment d, ReplicaSet newRs) {
    String revision = String.valueOf(revision(newRs));
    Map<String, String> a =
        d.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(d.getMetadata().getAnnotations());
    if (revision.equals(a.get(REVISION))) {
      return;
    }
    a.put(REVISION, revision);
    d.getMetadata().setAnnotations(a);
    Deployment updated =
        client
            .apps()
            .deployments()
            .inNamespace(d.getMetadata().getNamespace())
            .resource(d)
            .update();
    d.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
  }

  /** {@code calculateStatus} and the conditions of {@code syncRolloutStatus}. */
  private void writeStatus(
      Deployment d, List<ReplicaSet> all, ReplicaSet newRs, int replicas, String progressing) {
    int total = 0;
    int actual = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSet rs : all) {
      total += WorkloadPods.orZero(rs.getSpec().getReplicas());
      if (rs.getStatus() != null) {
        actual += WorkloadPods.orZero(rs.getStatus().getReplicas());
        ready += WorkloadPods.orZero(rs.getStatus().getReadyReplicas());
        available += WorkloadPods.orZero(rs.getStatus().getAvailableReplicas());
      }
    }
    int updated =
        newRs == null || newRs.getStatus() == null
            ? 0
            : WorkloadPods.orZero(newRs.getStatus().getReplicas());
    DeploymentStatus before = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    DeploymentStatus status = new DeploymentStatus();
    status.setObservedGeneration(d.getMetadata().getGeneration());
    status.setReplicas(WorkloadPods.omitZero(actual));
    status.setUpdatedReplicas(WorkloadPods.omitZero(updated));
    status.setReadyReplicas(WorkloadPods.omitZero(ready));
    status.setAvailableReplicas(WorkloadPods.omitZero(available));
    status.setUnavailableReplicas(WorkloadPods.omitZero(Math.max(0, total - available)));
    status.setCollisionCount(before.getCollisionCount());
    Instant now = Instant.now();
    List<DeploymentCondition> conditions = new ArrayList<>();
    boolean minimum = available >= replicas - maxUnavailable(d, replicas);
    conditions.add(
        condition(
            before,
            "Available",
            minimum,
            minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            minimum
                ? "Deployment has minimum availability."
                : "Deployment does not have minimum availability.",
            now));
    if (newRs != null) {
      String name = newRs.getMetadata().getName();
      boolean complete =
          updated == replicas
              && available == replicas
              && actual == replicas
              && WorkloadPods.orZero(
                      newRs.getStatus() == null ? null : newRs.getStatus().getAvailableReplicas())
                  == replicas;
      final String reason =
          complete
              ? "NewReplicaSetAvailable"
              : progressing != null ? progressing : "ReplicaSetUpdated";
      String message =
          switch (reason) {
            case "NewReplicaSetAvailable" ->
                "ReplicaSet \"" + name + "\" has successfully progressed.";
            case "NewReplicaSetCreated" -> "Created new replica set \"" + name + "\"";
            default -> "ReplicaSet \"" + name + "\" is progressing.";
          };
      conditions.add(condition(before, "Progressing", true, reason, message, now));
    } else if (find(before, "Progressing") != null) {
      conditions.add(find(before, "Progressing"));
    }
    replicaFailure(all, newRs).ifPresent(c -> conditions.add(replicaFailure(before, c)));
    conditions.sort(Comparator.comparing(c -> "Available".equals(c.getType()) ? 0 : 1));
    status.setConditions(conditions);
    if (Objects.equals(Json.toMap(before), Json.toMap(status))) {
      return;
    }
    d.setStatus(status);
    try {
      client
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .resource(d)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e; // a conflict: the loop retries with the Deployment as it is now
      }
    }
  }

  /**
   * syncRolloutStatus's {@code getReplicaFailures}: the new ReplicaSet's {@code ReplicaFailure}
   * condition, else an old one's; none removes the Deployment's.
   */
  private static Optional<ReplicaSetCondition> replicaFailure(
      List<ReplicaSet> all, ReplicaSet newRs) {
    List<ReplicaSet> order = new ArrayList<>();
    if (newRs != null) {
      order.add(newRs);
    }
    order.addAll(all);
    return order.stream()
        .filter(rs -> rs.getStatus() != null && rs.getStatus().getConditions() != null)
        .flatMap(rs -> rs.getStatus().getConditions().stream())
        .filter(c -> REPLICA_FAILURE.equals(c.getType()))
        .findFirst();
  }

  /**
   * The ReplicaSet's condition as the Deployment's ({@code ReplicaSetToDeploymentCondition}), set
   * as {@code SetDeploymentCondition} does: kept as it was while its status and reason stay.
   */
  private static DeploymentCondition replicaFailure(
      DeploymentStatus before, ReplicaSetCondition c) {
    DeploymentCondition previous = find(before, REPLICA_FAILURE);
    if (previous != null
        && Objects.equals(previous.getStatus(), c.getStatus())
        && Objects.equals(previous.getReason(), c.getReason())) {
      return previous;
    }
    return new DeploymentConditionBuilder()
        .withType(REPLICA_FAILURE)
        .withStatus(c.getStatus())
        .withReason(c.getReason())
        .withMessage(c.getMessage())
        .withLastUpdateTime(c.getLastTransitionTime())
        .withLastTransitionTime(
            previous != null && Objects.equals(previous.getStatus(), c.getStatus())
                ? previous.getLastTransitionTime()
                : c.getLastTransitionTime())
        .build();
  }

  private static DeploymentCondition find(DeploymentStatus status, String type) {
    return status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  /**
   * A condition as the controller sets it: the transition time kept while the status stays, the
   * update time kept while nothing of it changes.
   */
  private static DeploymentCondition condition(
      DeploymentStatus before,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    String status = value ? "True" : "False";
    DeploymentCondition previous = find(before, type);
    String time = WorkloadPods.time(now);
    if (previous != null
        && status.equals(previous.getStatus())
        && reason.equals(previous.getReason())
        && message.equals(previous.getMessage())) {
      return previous;
    }
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastUpdateTime(time)
        .withLastTransitionTime(
            previous != null && status.equals(previous.getStatus())
                ? previous.getLastTransitionTime()
                : time)
        .build();
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
