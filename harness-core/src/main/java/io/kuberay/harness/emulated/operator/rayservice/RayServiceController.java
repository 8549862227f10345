package io.kuberay.harness.emulated.operator.rayservice;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.DashboardLocator;
import io.kuberay.harness.emulated.operator.OperatorFlavor;
import io.kuberay.harness.emulated.operator.RayClusterValidation;
import io.kuberay.harness.emulated.operator.RayClusterView;
import io.kuberay.harness.emulated.operator.TokenAuth;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.support.Finalizers;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.NameSuffix;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import io.kuberay.harness.ray.RayAuthToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulated KubeRay RayService controller (see docs/RAYSERVICE-FACTS.md): creates the
 * RayService's RayCluster ({@code <name>-raycluster-xxxxx}), submits {@code serveConfigV2} to its
 * dashboard once the head is ready, polls the applications, points {@code <name>-head-svc} and
 * {@code <name>-serve-svc} at the cluster whose applications are all RUNNING, labels head pods
 * {@code ray.io/serve} from their proxy's health, and on a {@code rayClusterConfig} change prepares
 * a pending cluster, switches traffic when it is ready and deletes the old one after the delay. A
 * {@code serveConfigV2}-only change is submitted to the running cluster in place.
 */
public final class RayServiceController implements AutoCloseable {

  /**
   * The operator requeues every 2 s; the emulator looks more often so that tests do not wait for
   * polling.
   */
  private static final Duration REQUEUE = Duration.ofMillis(500);

  private static final Duration DEFAULT_DELETION_DELAY = Duration.ofSeconds(60);

  /** v1.7.0's {@code utils.RayServiceFinalizer}. */
  static final String FINALIZER = "ray.io/rayservice-finalizer";

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final EventRecorder events;
  private final DashboardLocator dashboards;
  private final ServePorts servePorts;
  private final RayServiceServices services;
  private final RayServiceSuspend suspend;
  private final ReconcileLoop loop;
  private final ObjectEvents objectEvents;
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  /**
   * namespace/service/cluster → the serveConfigV2 last submitted there (the operator's ServeConfigs
   * cache).
   */
  private final Map<String, String> submitted = new ConcurrentHashMap<>();

  /** cluster key → when it is deleted (the operator's RayClusterDeletionTimestamps). */
  private final Map<String, Instant> deletions = new ConcurrentHashMap<>();

  /**
   * RayService key → the last reason|message recorded: the real recorder aggregates repeats into a
   * count.
   */
  private final Map<String, String> lastEvent = new ConcurrentHashMap<>();

  /** uid/field of the RayServices already told that a field of theirs is not emulated. */
  private final Set<String> warnedNotEmulated = ConcurrentHashMap.newKeySet();

  public RayServiceController(
      KubernetesClient client,
      ObjectEvents objectEvents,
      OperatorFlavor flavor,
      EventRecorder events,
      DashboardLocator dashboards,
      ServePorts servePorts) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.flavor = flavor;
    this.events = events;
    this.dashboards = dashboards;
    this.servePorts = servePorts;
    this.services = new RayServiceServices(client, flavor, events);
    this.suspend = new RayServiceSuspend(client, events);
    this.loop = new ReconcileLoop("rayservice", this::reconcile);
  }

  public RayServiceController start() {
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.RAY_SERVICES_REF,
            null,
            (type, o) -> {
              if (!"DELETED".equals(type)) {
                loop.enqueue(ObjectKeys.of(o.namespace(), o.name()));
              }
            }));
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.RAY_CLUSTERS_REF,
            Labels.ORIGINATED_FROM_CRD + "=RayService",
            (type, o) -> {
              if ("DELETED".equals(type)) {
                servePorts.forget(o.namespace(), o.name());
              }
              // Owns(&rayv1.RayCluster{}): a deletion too wakes the RayService (v1.7.0 waits for
              // its clusters to be gone before it lets go of a deleted RayService).
              loop.enqueue(
                  ObjectKeys.of(o.namespace(), o.labels().get(Labels.ORIGINATED_FROM_CR_NAME)));
            }));
    return this;
  }

  void reconcile(String key) {
    if (!flavor.watches(ObjectKeys.namespace(key))) {
      return; // --watch-namespace: the real operator's cache holds only those namespaces
    }
    GenericKubernetesResource resource =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (resource == null) {
      return;
    }
    RayServiceView service = new RayServiceView(resource);
    if (service.deleting() && !flavor.hasRayServiceFinalizer()) {
      return; // up to v1.5.0 nothing holds a deleted RayService: it goes with its dependents
    }
    Map<String, Object> status = service.status();
    if (flavor.honoursRayServiceManagedBy() && service.externalManager().isPresent()) {
      return; // another controller's RayService (spec.managedBy): left alone, not requeued
    }
    boolean clustersToClean = false;
    if (flavor.hasRayServiceFinalizer()) {
      // v1.7.0 cleans up first, then holds the RayService with its finalizer until its clusters
      // are gone, and only then validates.
      clustersToClean = cleanUpClusters(service, status);
      if (service.deleting()) {
        if (clustersToClean) {
          loop.enqueueAfter(key, REQUEUE);
        } else {
          editFinalizer(service, false);
        }
        return;
      }
      if (!service.hasFinalizer(FINALIZER)) {
        editFinalizer(service, true);
        loop.enqueueAfter(key, REQUEUE);
        return;
      }
    }
    Optional<Invalid> invalid = validate(service);
    if (invalid.isPresent()) {
      if (flavor.version().isAtLeast(KubeRayVersion.V1_7_0)) {
        // v1.7.0 fails the RayService (validateRayService): a Warning, Ready=False
        // ValidationFailed, and no requeue. Its validators say what they validated in every
        // message.
        String message = invalid.get().prefix() + ": " + invalid.get().error();
        warnOnce(
            service,
            invalid.get().reason(),
            service.namespace() + "/" + service.name() + ": " + message);
        RayServiceConditions.validationFailed(status, message);
        write(service, status);
      } else if (flavor.modernEvents()) {
        warnOnce(
            service,
            invalid.get().reason(),
            invalid.get().prefix()
                + " "
                + service.namespace()
                + "/"
                + service.name()
                + ": "
                + invalid.get().error());
        loop.enqueueAfter(key, Duration.ofSeconds(2));
      }
      return;
    }
    warnNotEmulated(service);
    if (flavor.suspendsRayServices()) {
      RayServiceSuspend.Step step = suspend.handle(service, status);
      switch (step) {
        case CONTINUE -> {
          // no suspend: the status is as it was
        }
        case RESUMED -> {
          write(service, status);
          loop.enqueue(key);
          return;
        }
        case REQUEUE -> {
          write(service, status);
          loop.enqueueAfter(key, REQUEUE);
          return;
        }
        case STOP -> {
          return;
        }
      }
    }
    if (!flavor.hasRayServiceFinalizer()) {
      clustersToClean = cleanUpClusters(service, status);
    }
    if (flavor.hasRayServiceInitializingTimeout()
        && RayServiceConditions.initializingTimedOut(status)) {
      // Terminal (isInitializingTimeout): only the clean-up above runs, until the RayService is
      // deleted and created again; no new cluster, no status update.
      if (clustersToClean) {
        loop.enqueueAfter(key, REQUEUE);
      }
      return;
    }
    status.put("observedGeneration", resource.getMetadata().getGeneration());

    Map<String, Object> active = Maps.map(status.get("activeServiceStatus"));
    Map<String, Object> pending = Maps.map(status.get("pendingServiceStatus"));
    String activeName = Maps.string(active, "rayClusterName").orElse("");
    String pendingName = Maps.string(pending, "rayClusterName").orElse("");
    GenericKubernetesResource activeCluster =
        activeName.isEmpty() ? null : cluster(service.namespace(), activeName);
    GenericKubernetesResource pendingCluster =
        pendingName.isEmpty() ? null : cluster(service.namespace(), pendingName);
    String goalHash = RayServiceClusters.hash(flavor.version(), service.clusterSpec());

    if (pendingName.isEmpty()) {
      if (activeCluster == null || needsNewCluster(service, activeCluster, goalHash)) {
        pending = new LinkedHashMap<>();
        // GenerateRayClusterName: <service>-raycluster-xxxxx up to v1.3, <service>-xxxxx since
        // (shared with RayJob).
        pending.put(
            "rayClusterName", flavor.rayJobClusterPrefix(service.name()) + NameSuffix.random());
        status.put("pendingServiceStatus", pending);
        if (!flavor.modernEvents()) {
          status.put("serviceStatus", "Restarting");
        } else {
          // calculateStatus prepares the cluster name and calculates the conditions in one pass.
          calculateConditions(service, status, key);
        }
        write(service, status);
        loop.enqueueAfter(key, Duration.ofMillis(50));
        return;
      }
      if (RayServiceClusters.onlyWorkerGroupsAdded(
          flavor.version(), service.clusterSpec(), activeCluster)) {
        updateCluster(service, activeCluster, "active");
      }
    } else if (pendingCluster == null) {
      pendingCluster = createCluster(service, pendingName);
    } else if (!goalHash.equals(RayServiceClusters.annotatedHash(pendingCluster))) {
      // A pending cluster that no longer matches the spec is replaced under the same name.
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
          .inNamespace(service.namespace())
          .withName(pendingName)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      loop.enqueueAfter(key, REQUEUE);
      return;
    }

    GenericKubernetesResource target = pendingCluster != null ? pendingCluster : activeCluster;
    if (target != null) {
      labelHeadForServe(service, activeCluster);
      labelHeadForServe(service, pendingCluster);
    }
    boolean ready = false;
    Map<String, Object> targetStatus = pendingCluster != null ? pending : active;
    if (target != null) {
      Optional<Map<String, Object>> apps = reconcileServe(service, target, status, targetStatus);
      apps.ifPresent(a -> targetStatus.put("applicationStatuses", a));
      ready =
          apps.isPresent()
              && !apps.get().isEmpty()
              && apps.get().values().stream()
                  .allMatch(a -> "RUNNING".equals(Maps.map(a).get("status")));
      targetStatus.put(
          "rayClusterStatus", Maps.map(target.getAdditionalProperties().get("status")));
    }
    if (pendingCluster != null && activeCluster != null) {
      active.put(
          "rayClusterStatus", Maps.map(activeCluster.getAdditionalProperties().get("status")));
      if (flavor.modernEvents()) {
        // v1.5.0+ does not reconcile the active cluster's Serve while a pending one exists.
        active.remove("applicationStatuses");
      }
    }
    status.put("activeServiceStatus", active);
    status.put("pendingServiceStatus", pending);

    if (ready) {
      Optional<String> serviceError = services.reconcile(service, target);
      if (serviceError.isPresent()) {
        if (!flavor.modernEvents()) {
          status.put("serviceStatus", "FailedToUpdateService");
          recordOnce(service, "Normal", "FailedToUpdateService", serviceError.get());
        }
        write(service, status);
        loop.enqueueAfter(key, REQUEUE);
        return;
      }
      if (target == pendingCluster) {
        // Traffic now goes to the pending cluster: it becomes the active one.
        status.put("activeServiceStatus", pending);
        status.put("pendingServiceStatus", new LinkedHashMap<>());
      }
      if (!flavor.modernEvents()) {
        status.put("serviceStatus", "Running");
        recordOnce(
            service, "Normal", "Running", "The Serve applicaton is now running and healthy.");
      }
    } else if (!flavor.modernEvents()) {
      if (!"Restarting".equals(status.get("serviceStatus")) || target != null) {
        status.put("serviceStatus", "WaitForServeDeploymentReady");
      }
      recordOnce(
          service,
          "Normal",
          "ServiceNotReady",
          "The service is not ready yet. Controller will perform a round of actions in 2s.");
    }
    status.put("numServeEndpoints", serveEndpoints(service));
    if (flavor.modernEvents()) {
      calculateConditions(service, status, key);
    }
    write(service, status);
    loop.enqueueAfter(key, REQUEUE);
  }

  /**
   * {@code calculateConditions}, with v1.5.0+'s initializing timeout: its Warning when it runs out
   * (the names of both clusters are then cleared, so the next pass deletes them), else a requeue
   * for when it will.
   */
  private void calculateConditions(RayServiceView service, Map<String, Object> status, String key) {
    OptionalLong timeout =
        flavor.hasRayServiceInitializingTimeout()
            ? RayServiceValidation.initializingTimeout(service.annotations())
            : OptionalLong.empty();
    Instant now = Instant.now();
    RayServiceConditions.apply(status, timeout, now)
        .ifPresent(
            message ->
                events.warning(service.resource(), "RayServiceInitializingTimeout", message));
    RayServiceConditions.untilInitializingTimeout(status, timeout, now)
        .filter(left -> left.compareTo(REQUEUE) < 0)
        .ifPresent(left -> loop.enqueueAfter(key, left.plusMillis(5)));
  }

  /**
   * What validation refused: the event's reason, the words before the error (v1.5.0: "... is
   * invalid &lt;ns&gt;/&lt;name&gt;: err", v1.7.0: "... is invalid: err") and the error.
   */
  private record Invalid(String reason, String prefix, String error) {}

  /**
   * What the real operator does with the spec that this one does not: a Warning {@code NotEmulated}
   * on the RayService, once, naming the field.
   */
  private void warnNotEmulated(RayServiceView service) {
    if (incrementalUpgrade(service)
        && warnedNotEmulated.add(service.resource().getMetadata().getUid() + "/upgradeStrategy")) {
      events.warning(
          service.resource(),
          "NotEmulated",
          "spec.upgradeStrategy.type NewClusterWithIncrementalUpgrade is not emulated: no Gateway"
              + " or HTTPRoute is made and traffic is not moved step by step; the upgrade runs as"
              + " NewCluster (a new cluster, then all traffic at once); run on a real cluster with"
              + " the Gateway API to test it");
    }
  }

  /**
   * {@code IsIncrementalUpgradeEnabled}: the RayServiceIncrementalUpgrade gate (v1.7.0's default;
   * off in v1.5.0) and {@code upgradeStrategy.type: NewClusterWithIncrementalUpgrade}.
   */
  private boolean incrementalUpgrade(RayServiceView service) {
    return flavor.options().enabled("RayServiceIncrementalUpgrade")
        && "NewClusterWithIncrementalUpgrade"
            .equals(Maps.string(service.spec(), "upgradeStrategy", "type").orElse(""));
  }

  /** v1.5.0+: ValidateRayServiceMetadata, then ValidateRayServiceSpec. */
  private Optional<Invalid> validate(RayServiceView service) {
    if (!flavor.modernEvents()) {
      return Optional.empty();
    }
    if (flavor.validatesRayServiceMetadata()) {
      Optional<String> metadata = RayServiceValidation.error(service.name(), service.annotations());
      if (metadata.isPresent()) {
        return Optional.of(
            new Invalid(
                "InvalidRayServiceMetadata", "The RayService metadata is invalid", metadata.get()));
      }
    }
    return validateSpec(service)
        .map(e -> new Invalid("InvalidRayServiceSpec", "The RayService spec is invalid", e));
  }

  private Optional<String> validateSpec(RayServiceView service) {
    if (flavor.version().isAtLeast(KubeRayVersion.V1_7_0)
        && RayAuthToken.k8sDelegated(service.clusterSpec())) {
      return Optional.of("K8s token auth mode is currently not supported for RayService");
    }
    // Then ValidateRayClusterSpec of rayClusterConfig.
    Optional<String[]> cluster =
        RayClusterValidation.check(
            flavor,
            new RayClusterView(
                RayServiceClusters.build(
                    flavor.version(), service, service.name(), owner(service))));
    if (cluster.isPresent() && "InvalidRayClusterSpec".equals(cluster.get()[0])) {
      String message = cluster.get()[1];
      return Optional.of(message.substring(message.indexOf(": ") + 2));
    }
    if (Maps.string(service.clusterSpec(), "headGroupSpec", "headService", "metadata", "name")
        .filter(s -> !s.isEmpty())
        .isPresent()) {
      return Optional.of(
          "spec.rayClusterConfig.headGroupSpec.headService.metadata.name should not be set");
    }
    Optional<String> type = Maps.string(service.spec(), "upgradeStrategy", "type");
    if (type.isPresent()
        && !List.of("None", "NewCluster", "NewClusterWithIncrementalUpgrade")
            .contains(type.get())) {
      return Optional.of(
          "Spec.UpgradeStrategy.Type value "
              + type.get()
              + " is invalid, valid options are NewClusterWithIncrementalUpgrade, NewCluster, or None");
    }
    Optional<Integer> delay = service.deletionDelaySeconds();
    if (delay.isPresent() && delay.get() < 0) {
      return Optional.of(
          "Spec.RayClusterDeletionDelaySeconds should be a non-negative integer, got "
              + delay.get());
    }
    if (incrementalUpgrade(service)) {
      return RayServiceValidation.upgradeOptionsError(
          service.spec(), flavor.version().isAtLeast(KubeRayVersion.V1_7_0));
    }
    return Optional.empty();
  }

  private boolean needsNewCluster(
      RayServiceView service, GenericKubernetesResource active, String goalHash) {
    if (goalHash.equals(RayServiceClusters.annotatedHash(active))
        || RayServiceClusters.onlyWorkerGroupsAdded(
            flavor.version(), service.clusterSpec(), active)) {
      return false;
    }
    return !flavor.modernEvents() || service.zeroDowntime();
  }

  /**
   * Clusters of this RayService that are neither active nor pending go after the deletion delay
   * (v1.7.0: every cluster of a deleted RayService at once); whether any such cluster is left
   * ({@code hasRayClustersToClean}).
   */
  private boolean cleanUpClusters(RayServiceView service, Map<String, Object> status) {
    boolean deleted = service.deleting();
    boolean toClean = false;
    String active = Maps.string(status, "activeServiceStatus", "rayClusterName").orElse("");
    String pending = Maps.string(status, "pendingServiceStatus", "rayClusterName").orElse("");
    Duration delay =
        flavor.modernEvents()
            ? service.deletionDelaySeconds().map(Duration::ofSeconds).orElse(DEFAULT_DELETION_DELAY)
            : DEFAULT_DELETION_DELAY;
    for (GenericKubernetesResource c :
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(service.namespace())
            .withLabel(Labels.ORIGINATED_FROM_CR_NAME, service.name())
            .withLabel(Labels.ORIGINATED_FROM_CRD, "RayService")
            .list()
            .getItems()) {
      String name = c.getMetadata().getName();
      if (!deleted && (name.equals(active) || name.equals(pending))) {
        continue;
      }
      toClean = true;
      String key = ObjectKeys.of(service.namespace(), name);
      Instant due =
          deleted ? Instant.now() : deletions.computeIfAbsent(key, k -> Instant.now().plus(delay));
      if (Instant.now().isBefore(due)) {
        loop.enqueueAfter(
            ObjectKeys.of(service.namespace(), service.name()),
            Duration.between(Instant.now(), due).plusMillis(50));
        continue;
      }
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
          .inNamespace(service.namespace())
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND) // as KubeRay's Delete
          .delete();
      deletions.remove(key);
      submitted.keySet().removeIf(k -> k.endsWith("/" + name));
      if (flavor.modernEvents()) {
        events.normal(
            service.resource(),
            "DeletedRayCluster",
            "Deleted the RayCluster " + service.namespace() + "/" + name);
      }
    }
    return toClean;
  }

  /**
   * Adds or removes {@code ray.io/rayservice-finalizer} (v1.7.0); removing the last one lets the
   * API server delete the RayService, and the garbage collector its services.
   */
  private void editFinalizer(RayServiceView service, boolean add) {
    try {
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
          .inNamespace(service.namespace())
          .withName(service.name())
          .edit(r -> Finalizers.set(r, FINALIZER, add));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // A status written meanwhile: again, from the new version (as a failed Update requeues).
        loop.enqueueAfter(
            ObjectKeys.of(service.namespace(), service.name()), Duration.ofMillis(20));
        return;
      }
      if (e.getCode() != 404) {
        throw e;
      }
    }
    if (!add) {
      String prefix = service.namespace() + "/" + service.name() + "/";
      submitted.keySet().removeIf(k -> k.startsWith(prefix));
      lastEvent.remove(ObjectKeys.of(service.namespace(), service.name()));
    }
  }

  private GenericKubernetesResource cluster(String namespace, String name) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  private GenericKubernetesResource createCluster(RayServiceView service, String name) {
    GenericKubernetesResource created =
        client
            .resource(RayServiceClusters.build(flavor.version(), service, name, owner(service)))
            .create();
    if (flavor.modernEvents()) {
      events.normal(
          service.resource(),
          "CreatedRayCluster",
          "Created the RayCluster " + service.namespace() + "/" + name);
    }
    return created;
  }

  private void updateCluster(
      RayServiceView service, GenericKubernetesResource cluster, String which) {
    GenericKubernetesResource goal =
        RayServiceClusters.build(
            flavor.version(), service, cluster.getMetadata().getName(), owner(service));
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace(service.namespace())
        .withName(cluster.getMetadata().getName())
        .edit(
            c -> {
              c.getAdditionalProperties().put("spec", goal.getAdditionalProperties().get("spec"));
              c.getMetadata().setLabels(goal.getMetadata().getLabels());
              c.getMetadata().setAnnotations(goal.getMetadata().getAnnotations());
              return c;
            });
    if (flavor.modernEvents()) {
      events.normal(
          service.resource(),
          "UpdatedRayCluster",
          "Updated the "
              + which
              + " RayCluster "
              + service.namespace()
              + "/"
              + cluster.getMetadata().getName());
    }
  }

  /**
   * Submits the Serve config when the head is ready and it was not yet submitted to this cluster
   * (or changed), then reads the applications. Empty when the head or its dashboard is not ready
   * yet or the call failed.
   */
  private Optional<Map<String, Object>> reconcileServe(
      RayServiceView service,
      GenericKubernetesResource cluster,
      Map<String, Object> status,
      Map<String, Object> clusterStatus) {
    String clusterName = cluster.getMetadata().getName();
    Optional<Pod> head = headPod(service.namespace(), clusterName);
    if (head.isEmpty() || !runningAndReady(head.get())) {
      return Optional.empty();
    }
    Optional<URI> dashboard = dashboards.dashboard(service.namespace(), clusterName);
    if (dashboard.isEmpty()) {
      return Optional.empty();
    }
    ServeDashboard serve =
        new ServeDashboard(dashboard.get(), TokenAuth.dashboardToken(client, flavor, cluster));
    String cacheKey = service.namespace() + "/" + service.name() + "/" + clusterName;
    Map<String, Object> apps = null;
    if (flavor.modernEvents()) {
      try {
        apps =
            ServeApplicationStatuses.of(
                flavor.version(),
                serve.applications(),
                Maps.map(clusterStatus.get("applicationStatuses")));
      } catch (ServeDashboard.ServeException e) {
        return Optional.empty();
      }
    }
    String cached = submitted.get(cacheKey);
    boolean noApps =
        apps == null
            ? Maps.map(clusterStatus.get("applicationStatuses")).isEmpty()
            : apps.isEmpty();
    if (cached == null || noApps || !cached.equals(service.serveConfig())) {
      try {
        serve.updateDeployments(submittableConfig(service, clusterName));
        submitted.put(cacheKey, service.serveConfig());
        if (flavor.modernEvents()) {
          events.normal(
              service.resource(),
              "UpdatedServeApplications",
              "Updated serve applications to the RayCluster "
                  + service.namespace()
                  + "/"
                  + clusterName);
        } else {
          events.normal(
              service.resource(),
              "SubmittedServeDeployment",
              "Controller sent API request to update Serve deployments on cluster " + clusterName);
        }
      } catch (RuntimeException e) {
        String why =
            (flavor.modernEvents() ? "fail" : "Fail")
                + " to create / update Serve applications. If you observe this error consistently, "
                + "please check \"Issue 5: Fail to create / update Serve applications.\" in "
                + "https://docs.ray.io/en/master/cluster/kubernetes/troubleshooting/rayservice-troubleshooting.html#kuberay-raysvc-troubleshoot for more details. "
                + "err: "
                + e.getMessage();
        if (e instanceof InvalidServeConfig) {
          why = e.getMessage();
        }
        if (flavor.modernEvents()) {
          warnOnce(
              service,
              "FailedToUpdateServeApplications",
              "Failed to update serve applications to the RayCluster "
                  + service.namespace()
                  + "/"
                  + clusterName
                  + ": "
                  + why);
        } else {
          status.put("serviceStatus", "WaitForServeDeploymentReady");
          recordOnce(service, "Normal", "WaitForServeDeploymentReady", why);
        }
        return Optional.ofNullable(apps);
      }
    }
    if (apps == null || flavor.modernEvents() && apps.isEmpty()) {
      try {
        apps =
            ServeApplicationStatuses.of(
                flavor.version(),
                serve.applications(),
                Maps.map(clusterStatus.get("applicationStatuses")));
      } catch (ServeDashboard.ServeException e) {
        return Optional.empty();
      }
    }
    return Optional.of(apps);
  }

  /**
   * serveConfigV2 as JSON, as the operator sends it, plus where this cluster's proxy listens: each
   * cluster's own loopback port, and on the head only (all emulated pods share one address; see
   * {@link ServePorts}).
   */
  private String submittableConfig(RayServiceView service, String clusterName) {
    Map<String, Object> config;
    try {
      Object parsed =
          Serialization.unmarshal(
              service.serveConfig().isBlank() ? "{}" : service.serveConfig(), Object.class);
      if (!(parsed instanceof Map<?, ?>)) {
        throw new InvalidServeConfig(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + (parsed instanceof List<?> ? "array" : "string")
                + " into Go value of type map[string]interface {}");
      }
      config = new LinkedHashMap<>(Maps.map(parsed));
    } catch (InvalidServeConfig e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidServeConfig("error converting YAML to JSON: " + rootMessage(e));
    }
    Map<String, Object> http = new LinkedHashMap<>(Maps.map(config.get("http_options")));
    http.put("host", "127.0.0.1");
    http.put("port", servePorts.portFor(service.namespace(), clusterName));
    config.put("http_options", http);
    config.put("proxy_location", "HeadOnly");
    return Json.write(config);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  /**
   * {@code ray.io/serve} on the head pod: whether its proxy answers {@code /-/healthz} (v1.1.0: the
   * ready cluster's only).
   */
  private void labelHeadForServe(RayServiceView service, GenericKubernetesResource cluster) {
    if (cluster == null) {
      return;
    }
    Optional<Pod> head = headPod(service.namespace(), cluster.getMetadata().getName());
    if (head.isEmpty()) {
      return;
    }
    Pod pod = head.get();
    String old = pod.getMetadata().getLabels().get("ray.io/serve");
    String label = String.valueOf(!service.excludeHeadPodFromServeSvc() && proxyHealthy(pod));
    if (!label.equals(old)) {
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .edit(
                p -> {
                  p.getMetadata().getLabels().put("ray.io/serve", label);
                  return p;
                });
      } catch (KubernetesClientException e) {
        return;
      }
      if (flavor.modernEvents()) {
        events.normal(
            service.resource(),
            "UpdatedHeadPodServeLabel",
            "Updated the serve label to \""
                + label
                + "\" for the Head Pod "
                + pod.getMetadata().getNamespace()
                + "/"
                + pod.getMetadata().getName());
      }
    }
  }

  private boolean proxyHealthy(Pod head) {
    Optional<URI> address = servePorts.address(head, ServePorts.servingPort(head));
    return address.isPresent() && ServeDashboard.proxyHealthy(address.get());
  }

  /**
   * What the Endpoints controller would list for the serve service: its selected pods that are
   * ready.
   */
  private int serveEndpoints(RayServiceView service) {
    Service serve =
        client
            .services()
            .inNamespace(service.namespace())
            .withName(ServeServices.name(flavor, service))
            .get();
    if (serve == null || serve.getSpec().getSelector() == null) {
      return 0;
    }
    return (int)
        client
            .pods()
            .inNamespace(service.namespace())
            .withLabels(serve.getSpec().getSelector())
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(RayServiceController::ready)
            .count();
  }

  private Optional<Pod> headPod(String namespace, String cluster) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.CLUSTER, cluster)
        .withLabel(Labels.NODE_TYPE, "head")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst();
  }

  private static boolean runningAndReady(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && ready(pod);
  }

  private static boolean ready(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static OwnerReference owner(RayServiceView service) {
    return RayServiceServices.owner(service);
  }

  private void warnOnce(RayServiceView service, String reason, String message) {
    recordOnce(service, "Warning", reason, message);
  }

  private void recordOnce(RayServiceView service, String type, String reason, String message) {
    String key = ObjectKeys.of(service.namespace(), service.name());
    if ((type + reason + "|" + message).equals(lastEvent.put(key, type + reason + "|" + message))) {
      return;
    }
    if ("Warning".equals(type)) {
      events.warning(service.resource(), reason, message);
    } else {
      events.normal(service.resource(), reason, message);
    }
  }

  private void write(RayServiceView service, Map<String, Object> status) {
    ZeroStatus.fill(status);
    Map<String, Object> before =
        Maps.map(service.resource().getAdditionalProperties().get("status"));
    Map<String, Object> a = new LinkedHashMap<>(Json.toMap(before));
    Map<String, Object> b = new LinkedHashMap<>(Json.toMap(status));
    a.remove("lastUpdateTime");
    b.remove("lastUpdateTime");
    stripTimes(a);
    stripTimes(b);
    if (a.equals(b)) {
      return;
    }
    status.put("lastUpdateTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    GenericKubernetesResource resource = service.resource();
    resource.getAdditionalProperties().put("status", status);
    try {
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_SERVICES)
          .inNamespace(service.namespace())
          .resource(resource)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        loop.enqueueAfter(
            ObjectKeys.of(service.namespace(), service.name()), Duration.ofMillis(20));
        return;
      }
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * healthLastUpdateTime changes on every poll; like the operator, a change of it alone is not
   * written.
   */
  @SuppressWarnings("unchecked")
  private static void stripTimes(Object o) {
    if (o instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).remove("healthLastUpdateTime");
      ((Map<String, Object>) m).remove("rayClusterStatus");
      m.values().forEach(RayServiceController::stripTimes);
    } else if (o instanceof List<?> l) {
      l.forEach(RayServiceController::stripTimes);
    }
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }

  /** A serveConfigV2 that is not a YAML mapping: reported as the operator's YAML decoder does. */
  private static final class InvalidServeConfig extends RuntimeException {
    InvalidServeConfig(String message) {
      super(message);
    }
  }
}
