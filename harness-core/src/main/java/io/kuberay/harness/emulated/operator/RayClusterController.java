package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.serve.ServeServiceParts;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
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

/**
 * The emulated KubeRay RayCluster controller: keeps a cluster's head pod, worker pods, head service
 * and serve service as the spec asks and writes its status. Event-driven: a change to a RayCluster
 * or to one of its pods queues that cluster for reconciliation.
 */
public final class RayClusterController implements AutoCloseable {

  private static final ResourceRef JOBS_REF = new ResourceRef("batch", "v1", "jobs");

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final PodFactory pods;
  private final HeadServiceFactory services;
  private final ClusterStatusCalculator statuses;
  private final EventRecorder events;
  private final ReconcileLoop loop;
  private final AutoscalerObjects autoscalerRbac;
  private final RedisCleanup redisCleanup;
  private final ObjectEvents objectEvents;
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public RayClusterController(
      KubernetesClient client,
      ObjectEvents objectEvents,
      OperatorFlavor flavor,
      EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.flavor = flavor;
    this.pods = new PodFactory(flavor);
    this.services = new HeadServiceFactory(flavor);
    this.statuses = new ClusterStatusCalculator(flavor);
    this.events = events;
    this.loop = new ReconcileLoop("raycluster", this::reconcile);
    this.autoscalerRbac = new AutoscalerObjects(client, flavor, events);
    this.redisCleanup = new RedisCleanup(client, flavor, events, loop::enqueueAfter, Instant::now);
  }

  /** Watches RayClusters and their pods; the first events queue every existing cluster. */
  public RayClusterController start() {
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.RAY_CLUSTERS_REF,
            null,
            (type, o) -> loop.enqueue(ObjectKeys.of(o.namespace(), o.name()))));
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.PODS_REF,
            Labels.CLUSTER,
            (type, p) ->
                loop.enqueue(ObjectKeys.of(p.namespace(), p.labels().get(Labels.CLUSTER)))));
    // The Redis cleanup Job's status decides when a deleted GCS FT cluster's finalizer goes.
    watches.add(
        objectEvents.watch(
            JOBS_REF,
            Labels.CLUSTER,
            (type, j) ->
                loop.enqueue(ObjectKeys.of(j.namespace(), j.labels().get(Labels.CLUSTER)))));
    return this;
  }

  /**
   * {@code reconcileAuthSecret}: the cluster's token Secret, created once if missing (never
   * updated; a user's {@code authOptions.secretName} is only read).
   */
  private void reconcileAuthSecret(RayClusterView cluster) {
    TokenAuth auth = new TokenAuth(flavor, cluster);
    if (!auth.createsSecret()
        || client.secrets().inNamespace(cluster.namespace()).withName(auth.secretName()).get()
            != null) {
      return;
    }
    try {
      client.resource(auth.secret(cluster)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // the reconcile fails and is retried, as the operator's
      }
    }
  }

  void reconcile(String key) {
    String ns = ObjectKeys.namespace(key);
    if (!flavor.watches(ObjectKeys.namespace(key))) {
      return; // --watch-namespace: the real operator's cache holds only those namespaces
    }
    GenericKubernetesResource resource =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(ns)
            .withName(ObjectKeys.name(key))
            .get();
    if (resource == null) {
      return;
    }
    RayClusterView cluster = new RayClusterView(resource);
    boolean deleting = resource.getMetadata().getDeletionTimestamp() != null;
    Optional<String[]> invalid = RayClusterValidation.check(flavor, cluster);
    if (invalid.isPresent()) {
      // The operator reports and stops: no pods, no status change, no requeue.
      if (!deleting) {
        events.warning(resource, invalid.get()[0], invalid.get()[1]);
      }
      return;
    }
    if (!redisCleanup.reconcile(resource, cluster) || deleting) {
      return;
    }
    if (cluster.autoscaling() && !autoscalerRbac.reconcile(cluster)) {
      return;
    }
    reconcileAuthSecret(cluster);
    String serviceName = HeadServiceFactory.name(cluster, flavor);
    Service service = client.services().inNamespace(ns).withName(serviceName).get();
    if (service == null && !cluster.suspended()) {
      try {
        service = client.resource(services.build(cluster)).create();
      } catch (KubernetesClientException e) {
        // v1.1.0 marks the cluster failed (its log has the error); v1.5.0 also records a Warning
        // event. Then retries.
        if (flavor.modernEvents()) {
          events.warning(
              resource,
              "FailedToCreateService",
              "Failed creating service " + ns + "/" + serviceName + ", " + apiMessage(e));
        }
        failed(resource, null);
        throw e;
      }
      events.normal(
          resource,
          flavor.eventReason("CreatedService"),
          flavor.modernEvents()
              ? "Created service " + ns + "/" + serviceName
              : "Created service " + serviceName);
    }
    if (cluster.multiHost()
        && client
            .services()
            .inNamespace(ns)
            .withLabel(HeadlessWorkerService.LABEL, cluster.name())
            .list()
            .getItems()
            .isEmpty()) {
      Service headless = client.resource(HeadlessWorkerService.build(flavor, cluster)).create();
      String headlessName = headless.getMetadata().getName();
      events.normal(
          resource,
          flavor.eventReason("CreatedService"),
          flavor.modernEvents()
              ? "Created service " + ns + "/" + headlessName
              : "Created service " + headlessName);
    }
    Optional<String> serveError = reconcileServeService(cluster);
    if (serveError.isPresent() && !flavor.modernEvents()) {
      failed(resource, null);
      throw new IllegalStateException(serveError.get());
    }
    List<Pod> owned =
        client
            .pods()
            .inNamespace(ns)
            .withLabel(Labels.CLUSTER, cluster.name())
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
            .toList();
    List<Pod> heads =
        owned.stream()
            .filter(p -> "head".equals(p.getMetadata().getLabels().get(Labels.NODE_TYPE)))
            .toList();
    List<Pod> workers =
        new ArrayList<>(
            owned.stream()
                .filter(p -> "worker".equals(p.getMetadata().getLabels().get(Labels.NODE_TYPE)))
                .toList());

    Optional<Pod> head = heads.stream().findFirst();
    if (serveError.isPresent()) {
      // v1.5.0+: the reconcile stops before reconcilePods; the status is still calculated.
    } else if (cluster.suspended()) {
      if (!owned.isEmpty()) {
        owned.forEach(
            p -> client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete());
        events.normal(
            resource,
            flavor.eventReason("DeletedPod"),
            "Deleted Pods for RayCluster " + ns + "/" + cluster.name() + " due to suspension");
      }
      head = Optional.empty();
      workers.clear();
    } else if (head.isEmpty() && headRestartDisabled(resource)) {
      // A SidecarMode RayJob's provisioned cluster: a new head would not help its job, and
      // reconcilePods returns here, before the workers.
    } else {
      if (head.isEmpty()) {
        Pod created;
        try {
          created = client.resource(pods.headPod(cluster, serviceName)).create();
        } catch (KubernetesClientException e) {
          podFailed(
              resource,
              e,
              flavor.modernEvents() ? "FailedToCreateHeadPod" : null,
              "Failed to create head Pod " + ns + "/, ");
          throw e;
        }
        events.normal(
            resource,
            flavor.eventReason("CreatedHeadPod"),
            flavor.modernEvents()
                ? "Created head Pod " + ns + "/" + created.getMetadata().getName()
                : "Created head pod " + created.getMetadata().getName());
        head = Optional.of(created);
      }
      heads.stream().skip(1).forEach(p -> deletePod(resource, p));
      reconcileWorkers(cluster, resource, serviceName, workers);
    }
    Map<String, Object> previous = Maps.map(resource.getAdditionalProperties().get("status"));
    Map<String, Object> status =
        statuses.calculate(
            cluster, previous, head, workers, Optional.ofNullable(service), serveError.isPresent());
    if (!sameIgnoringTime(previous, status)) {
      resource.getAdditionalProperties().put("status", status);
      try {
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(ns)
            .resource(resource)
            .updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    if (serveError.isPresent()) {
      throw new IllegalStateException(serveError.get()); // requeued, as the operator's error is
    }
  }

  /**
   * {@code reconcileServeService}: a cluster annotated {@code ray.io/enable-serve-service: "true"}
   * gets {@code <cluster>-serve-svc} once (never updated; no event), whether suspended or not.
   *
   * @return the operator's error when the head has no port that serves or the API server refused
   *     the service
   */
  private Optional<String> reconcileServeService(RayClusterView cluster) {
    if (!ServeServiceParts.enabled(cluster.annotations())) {
      return Optional.empty();
    }
    String name = flavor.generatedServiceName(cluster.name() + "-serve-svc");
    if (client.services().inNamespace(cluster.namespace()).withName(name).get() != null) {
      return Optional.empty();
    }
    Optional<Service> serve =
        ServeServiceParts.forRayCluster(
            cluster.name(),
            cluster.namespace(),
            name,
            cluster.serviceType(),
            HeadServiceFactory.servicePorts(cluster, flavor),
            flavor.servesEveryServePort());
    if (serve.isEmpty()) {
      return Optional.of(ServeServiceParts.missingPortMessage(flavor.servesEveryServePort()));
    }
    serve.get().getMetadata().setOwnerReferences(List.of(PodFactory.owner(cluster)));
    try {
      client.resource(serve.get()).create();
    } catch (KubernetesClientException e) {
      return Optional.of(apiMessage(e));
    }
    return Optional.empty();
  }

  private void reconcileWorkers(
      RayClusterView cluster,
      GenericKubernetesResource resource,
      String serviceName,
      List<Pod> workers) {
    for (RayClusterView.WorkerGroup group : cluster.workerGroups()) {
      List<Pod> groupPods =
          new ArrayList<>(
              workers.stream()
                  .filter(p -> group.name().equals(p.getMetadata().getLabels().get(Labels.GROUP)))
                  .toList());
      if (group.suspended()) {
        deleteSuspendedGroup(cluster, resource, group, groupPods);
        workers.removeAll(groupPods);
        continue;
      }
      // Every reconcile deletes the named pods, whatever replicas says, and leaves the list as it
      // is: the autoscaler
      // clears it with its next patch. A name that is gone already is no error.
      for (String name : group.workersToDelete()) {
        boolean deleted =
            !client.pods().inNamespace(cluster.namespace()).withName(name).delete().isEmpty();
        if (deleted) {
          events.normal(
              resource,
              flavor.eventReason("DeletedWorkerPod"),
              flavor.modernEvents()
                  ? "Deleted pod " + cluster.namespace() + "/" + name
                  : "Deleted pod " + name);
        }
        groupPods.removeIf(p -> name.equals(p.getMetadata().getName()));
        workers.removeIf(p -> name.equals(p.getMetadata().getName()));
      }
      int diff = group.desiredPods() - groupPods.size();
      for (int i = 0; i < diff; i++) {
        Pod created;
        try {
          created = client.resource(pods.workerPod(cluster, group, serviceName)).create();
        } catch (KubernetesClientException e) {
          podFailed(
              resource,
              e,
              flavor.modernEvents() ? "FailedToCreateWorkerPod" : null,
              "Failed to create worker Pod for the cluster "
                  + cluster.namespace()
                  + "/"
                  + cluster.name()
                  + ", ");
          throw e;
        }
        // v1.1.0 names the pod from the object it built (generateName only, so the name is
        // empty); later releases from the created copy, which holds the name the server gave.
        events.normal(
            resource,
            flavor.eventReason("CreatedWorkerPod"),
            flavor.modernEvents()
                ? "Created worker Pod "
                    + cluster.namespace()
                    + "/"
                    + created.getMetadata().getName()
                : "Created worker pod ");
        workers.add(created);
      }
      // Without the autoscaler the operator deletes surplus workers itself: the first ones it
      // lists. With it, the
      // autoscaler alone picks which pods go (through workersToDelete), unless
      // ENABLE_RANDOM_POD_DELETE is set.
      if (cluster.autoscaling()) {
        continue;
      }
      for (int i = 0; i < -diff; i++) {
        Pod victim = groupPods.get(i);
        deletePod(resource, victim);
        workers.remove(victim);
      }
    }
    // Pods of groups that no longer exist.
    List<String> groupNames =
        cluster.workerGroups().stream().map(RayClusterView.WorkerGroup::name).toList();
    for (Pod p : List.copyOf(workers)) {
      if (!groupNames.contains(p.getMetadata().getLabels().get(Labels.GROUP))) {
        deletePod(resource, p);
        workers.remove(p);
      }
    }
  }

  /**
   * {@code reconcilePods} (v1.5.0+): a suspended worker group's pods all go, whatever replicas and
   * workersToDelete say, and the event is recorded on every reconcile, pods or not, as Go does.
   */
  private void deleteSuspendedGroup(
      RayClusterView cluster,
      GenericKubernetesResource resource,
      RayClusterView.WorkerGroup group,
      List<Pod> groupPods) {
    for (Pod p : groupPods) {
      client.pods().inNamespace(cluster.namespace()).withName(p.getMetadata().getName()).delete();
    }
    events.normal(
        resource,
        flavor.eventReason("DeletedWorkerPod"),
        "Deleted all pods for suspended worker group "
            + group.name()
            + " in RayCluster "
            + cluster.namespace()
            + "/"
            + cluster.name());
  }

  /**
   * A pod the API server refused: v1.1.0 sets state {@code failed} with the error as reason and
   * records {@code PodReconciliationError}; v1.5.0 records its FailedToCreate… event.
   */
  private void podFailed(
      GenericKubernetesResource resource,
      KubernetesClientException e,
      String modernReason,
      String modernPrefix) {
    if (modernReason != null) {
      events.warning(resource, modernReason, modernPrefix + apiMessage(e));
    } else {
      events.warning(resource, "PodReconciliationError", apiMessage(e));
    }
    failed(resource, flavor.modernEvents() ? null : apiMessage(e));
  }

  /**
   * {@code updateClusterState(failed)} (and the reason, when given), as the operator does on a
   * reconcile error.
   */
  private void failed(GenericKubernetesResource resource, String reason) {
    if (flavor.modernEvents()) {
      return; // v1.5.0 reports reconcile errors through events and conditions, not state failed.
    }
    Map<String, Object> status =
        new LinkedHashMap<>(Maps.map(resource.getAdditionalProperties().get("status")));
    if ("failed".equals(status.get("state"))
        && (reason == null || reason.equals(status.get("reason")))) {
      return;
    }
    status.put("state", "failed");
    if (reason != null) {
      status.put("reason", reason);
    }
    resource.getAdditionalProperties().put("status", status);
    try {
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
          .inNamespace(resource.getMetadata().getNamespace())
          .resource(resource)
          .updateStatus();
    } catch (KubernetesClientException ignored) {
      // deleted or changed meanwhile: the next reconcile writes it again
    }
  }

  /** The API server's message, as the operator's Go client prints the error. */
  private static String apiMessage(KubernetesClientException e) {
    return ApiStatusMessage.of(e);
  }

  /**
   * {@code shouldSkipHeadPodRestart} once {@code RayClusterProvisioned} is True (v1.6.0+): the
   * annotation {@code ray.io/disable-provisioned-head-restart: "true"}, which v1.7.0 puts on a
   * SidecarMode RayJob's cluster.
   */
  private boolean headRestartDisabled(GenericKubernetesResource resource) {
    if (!flavor.honoursDisableProvisionedHeadRestart()) {
      return false;
    }
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    if (annotations == null
        || !"true".equals(annotations.get("ray.io/disable-provisioned-head-restart"))) {
      return false;
    }
    return ClusterStatusCalculator.provisioned(
        Maps.list(Maps.map(resource.getAdditionalProperties().get("status")).get("conditions")));
  }

  private void deletePod(GenericKubernetesResource cluster, Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
    events.normal(
        cluster,
        flavor.eventReason("DeletedWorkerPod"),
        flavor.modernEvents()
            ? "Deleted Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
            : "Deleted Pod " + pod.getMetadata().getName());
  }

  private static boolean sameIgnoringTime(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> x = new LinkedHashMap<>(a);
    Map<String, Object> y = new LinkedHashMap<>(b);
    x.remove("lastUpdateTime");
    y.remove("lastUpdateTime");
    return Objects.equals(Json.toMap(x), Json.toMap(y));
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
