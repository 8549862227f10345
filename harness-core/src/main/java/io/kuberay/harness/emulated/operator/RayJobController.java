package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.operator.deletion.RayJobDeletion;
import io.kuberay.harness.emulated.operator.running.RunningChecks;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.support.BatchJobs;
import io.kuberay.harness.emulated.support.Finalizers;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.NameSuffix;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulated KubeRay RayJob controller: creates (or selects) the job's RayCluster, submits the
 * entrypoint when the cluster is ready — through a submitter batch Job in K8sJobMode, or directly
 * in HTTPMode — follows the Ray job through the dashboard and writes the RayJob's status, deadline
 * and cleanup as the real controller does.
 */
public final class RayJobController implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(500);

  /** RayJobs (uid/cluster) told that their clusterSelector's RayCluster does not exist. */
  private final Set<String> warnedMissingCluster = ConcurrentHashMap.newKeySet();

  /** KubeRay's {@code RayJobStopJobFinalizer}. */
  static final String FINALIZER = "ray.io/rayjob-finalizer";

  /** {@code rayv1.IsJobTerminal}: the Ray job statuses that no longer change. */
  private static final List<String> TERMINAL_JOB_STATUSES =
      List.of("SUCCEEDED", "FAILED", "STOPPED");

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final EventRecorder events;
  private final DashboardLocator dashboards;
  private final SubmitterJobs submitters;
  private final RayJobDeletion deletion;
  private final ReconcileLoop loop;
  private final ObjectEvents objectEvents;
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public RayJobController(
      KubernetesClient client,
      ObjectEvents objectEvents,
      OperatorFlavor flavor,
      EventRecorder events,
      DashboardLocator dashboards) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.flavor = flavor;
    this.events = events;
    this.dashboards = dashboards;
    this.submitters = new SubmitterJobs(client, dashboards, flavor);
    this.deletion = new RayJobDeletion(client, events, flavor.deletionRulesMatchDeploymentStatus());
    this.loop = new ReconcileLoop("rayjob", this::reconcile);
  }

  public RayJobController start() {
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.RAY_JOBS_REF,
            null,
            (type, o) -> {
              if (!"DELETED".equals(type)) {
                loop.enqueue(ObjectKeys.of(o.namespace(), o.name()));
              }
            }));
    watches.add(
        objectEvents.watch(
            ResourceDefinitions.RAY_CLUSTERS_REF,
            Labels.ORIGINATED_FROM_CRD + "=RayJob",
            (type, o) -> {
              if (!"DELETED".equals(type)) {
                loop.enqueue(
                    ObjectKeys.of(o.namespace(), o.labels().get(Labels.ORIGINATED_FROM_CR_NAME)));
              }
            }));
    return this;
  }

  void reconcile(String key) {
    if (!flavor.watches(ObjectKeys.namespace(key))) {
      return; // --watch-namespace: the real operator's cache holds only those namespaces
    }
    GenericKubernetesResource resource =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (resource == null) {
      return;
    }
    if (flavor.honoursRayJobManagedBy() && managedElsewhere(resource)) {
      return;
    }
    if (resource.getMetadata().getDeletionTimestamp() != null) {
      deleting(new RayJobView(resource));
      return;
    }
    RayJobView job = new RayJobView(resource);
    Map<String, Object> status = new LinkedHashMap<>(job.status());
    Optional<RayJobValidation.Violation> invalid = RayJobValidation.check(flavor, job);
    if (invalid.isPresent()) {
      rejectInvalid(job, status, invalid.get());
      return;
    }
    switch (job.deploymentStatus()) {
      case "" -> initialize(job, status);
      case "Initializing" -> initializing(job, status);
      case "Waiting" -> waiting(job, status);
      case "Running" -> running(job, status);
      case "Complete", "Failed" -> finished(job, status);
      case "Suspending", "Retrying" -> release(job, status);
      case "Suspended" -> suspended(job, status);
      default -> {}
    }
  }

  /**
   * v1.5.0+ ({@code ManagedByExternalController}): a RayJob whose {@code spec.managedBy} names
   * another controller (Kueue's MultiKueue) is left to it, deletion included.
   */
  private static boolean managedElsewhere(GenericKubernetesResource resource) {
    Object managedBy = Maps.map(resource.getAdditionalProperties().get("spec")).get("managedBy");
    return managedBy != null && !"ray.io/kuberay-operator".equals(managedBy);
  }

  /**
   * A RayJob marked for deletion: its Ray job is stopped unless it has ended, and the finalizer
   * goes whether the stop succeeded or not (all releases' {@code Reconcile}), so that {@code
   * kubectl delete} finishes and the garbage collector takes the cluster and submitter.
   */
  private void deleting(RayJobView job) {
    List<String> finalizers = job.resource().getMetadata().getFinalizers();
    if (finalizers == null || !finalizers.contains(FINALIZER)) {
      return;
    }
    Object jobStatus = job.status().get("jobStatus");
    Object jobId = job.status().get("jobId");
    if (!TERMINAL_JOB_STATUSES.contains(String.valueOf(jobStatus)) && jobId != null) {
      String clusterName = String.valueOf(job.status().get("rayClusterName"));
      dashboards
          .dashboard(job.namespace(), clusterName)
          .ifPresent(
              dashboard -> {
                try {
                  TokenAuth.dashboardJobs(client, flavor, dashboard, job.namespace(), clusterName)
                      .stop(String.valueOf(jobId));
                } catch (RayJobsException e) {
                  // The real operator logs "Failed to stop job for RayJob" and goes on.
                }
              });
    }
    try {
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
          .inNamespace(job.namespace())
          .withName(job.name())
          .edit(r -> Finalizers.set(r, FINALIZER, false));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        loop.enqueueAfter(ObjectKeys.of(job.resource()), Duration.ofMillis(20));
      } else if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void initialize(RayJobView job, Map<String, Object> status) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace(job.namespace())
        .withName(job.name())
        .edit(r -> Finalizers.set(r, FINALIZER, true));
    if (!job.interactiveMode()) {
      // In InteractiveMode the user submits the Ray job and names it later in spec.jobId.
      status.put("jobId", job.specJobId().orElse(job.name() + "-" + NameSuffix.random()));
    }
    status.put(
        "rayClusterName",
        job.selectedCluster().orElse(flavor.rayJobClusterPrefix(job.name()) + NameSuffix.random()));
    // JobStatusNew is "", omitted; no release sets the RayJob's status.observedGeneration.
    status.remove("jobStatus");
    status.put("jobDeploymentStatus", "Initializing");
    status.put("startTime", now());
    write(job, status);
  }

  private void initializing(RayJobView job, Map<String, Object> status) {
    if (suspending(job, status)
        || deadlinePassed(job, status)
        || preRunningDeadlinePassed(job, status)) {
      return;
    }
    String clusterName = String.valueOf(status.get("rayClusterName"));
    GenericKubernetesResource cluster = getOrCreateCluster(job, clusterName);
    if (cluster == null) {
      loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
      return;
    }
    Map<String, Object> clusterStatus = Maps.map(cluster.getAdditionalProperties().get("status"));
    status.put("rayClusterStatus", clusterStatus);
    if (!"ready".equals(clusterStatus.get("state"))) {
      write(job, status);
      loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
      return;
    }
    RayClusterView view = new RayClusterView(cluster);
    status.put(
        "dashboardURL",
        PodFactory.fqdn(HeadServiceFactory.name(view, flavor), job.namespace()) + ":8265");
    if (job.interactiveMode()) {
      status.put("jobDeploymentStatus", "Waiting");
      write(job, status);
      return;
    }
    String jobId = String.valueOf(status.get("jobId"));
    if (job.httpMode() || job.sidecarMode()) {
      Optional<URI> dashboard = dashboards.dashboard(job.namespace(), clusterName);
      if (dashboard.isEmpty()) {
        failSubmission(
            job,
            status,
            "the emulated head of RayCluster "
                + clusterName
                + " runs no Ray dashboard (kuberay.ray=off or Ray unavailable)");
        return;
      }
      // SidecarMode's submitter container runs `ray job submit` in the head pod: played from the
      // Running reconciles (playSidecar), where the operator looks at that pod.
      if (job.httpMode()) {
        try {
          TokenAuth.dashboardJobs(client, flavor, dashboard.get(), job.namespace(), clusterName)
              .submit(SubmitterJobs.submission(job, jobId));
        } catch (RayJobsException e) {
          failSubmission(job, status, e.getMessage());
          return;
        }
      }
    } else {
      Job submitter =
          submitters.create(
              job,
              jobId,
              status.get("dashboardURL").toString(),
              clusterName,
              imageOf(view),
              new TokenAuth(flavor, view));
      events.normal(
          job.resource(),
          flavor.eventReason("CreatedRayJobSubmitter"),
          "Created Kubernetes Job "
              + (flavor.modernEvents() ? job.namespace() + "/" : "")
              + submitter.getMetadata().getName());
    }
    status.put("jobDeploymentStatus", "Running");
    write(job, status);
    loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
  }

  /**
   * Running, as each release's {@code case JobDeploymentStatusRunning}: suspend and deadline;
   * v1.5.0+ the transition grace period, v1.7.0 the job status-check timeout; the RayCluster,
   * created again if it went (unless a clusterSelector names it); the submitter (v1.1.0:
   * K8sJobMode's failed Job, before the cluster; v1.5.0+: also its end, SidecarMode's head pod and
   * container, and the 30 s it may precede the Ray job's end); then the Ray job through the
   * dashboard. A reconcile that returns early writes nothing, as Go's error and requeue paths.
   */
  private void running(RayJobView job, Map<String, Object> status) {
    if (suspending(job, status) || deadlinePassed(job, status)) {
      return;
    }
    Instant now = Instant.now();
    Optional<RunningChecks.Transition> early = Optional.empty();
    if (flavor.hasRayJobSubmitterChecks()) {
      early =
          RunningChecks.transitionGracePeriod(status, flavor.rayJobTransitionGracePeriod(), now);
    }
    if (early.isEmpty() && flavor.hasJobStatusCheckTimeout()) {
      early = RunningChecks.jobStatusCheckTimeout(status, flavor.rayJobStatusCheckTimeout(), now);
    }
    if (early.isPresent()) {
      transition(job, status, early.get());
      return;
    }
    boolean k8sJobMode = !job.httpMode() && !job.sidecarMode() && !job.interactiveMode();
    Optional<Job> submitter = playSubmitter(job, status);
    if (k8sJobMode && !flavor.hasRayJobSubmitterChecks()) {
      // v1.1.0 looks at the submitter Job first; without it the reconcile fails and is retried.
      Optional<RunningChecks.Transition> failed =
          submitter.flatMap(j -> RunningChecks.submitterJobFailed(j, status.get("jobStatus")));
      if (submitter.isEmpty() || failed.isPresent()) {
        failed.ifPresentOrElse(t -> transition(job, status, t), () -> requeue(job));
        return;
      }
    }
    String clusterName = String.valueOf(status.get("rayClusterName"));
    GenericKubernetesResource cluster = getOrCreateCluster(job, clusterName);
    if (cluster == null) {
      requeue(job);
      return;
    }
    if (flavor.createsRayJobHeadService() && job.selectedCluster().isEmpty()) {
      ensureHeadService(job, new RayClusterView(cluster));
    }
    Optional<Instant> finishedAt = Optional.empty();
    if (flavor.hasRayJobSubmitterChecks() && (k8sJobMode || job.sidecarMode())) {
      Optional<RunningChecks.Transition> failed;
      if (job.sidecarMode()) {
        // common.GetRayClusterHeadPod: terminating pods count too; more than one fails the
        // reconcile.
        List<Pod> heads = headPods(job.namespace(), clusterName);
        if (heads.isEmpty()) {
          transition(job, status, RunningChecks.HEAD_POD_NOT_FOUND);
          return;
        }
        if (heads.size() > 1) {
          requeue(job);
          return;
        }
        Pod head = heads.get(0);
        submitters.playSidecar(
            job, head, String.valueOf(status.get("jobId")), clusterName, sidecarAddress(job));
        failed = RunningChecks.sidecarFailed(head, status.get("jobStatus"));
        finishedAt = RunningChecks.sidecarFinishedAt(head);
      } else {
        if (submitter.isEmpty()) {
          requeue(job);
          return;
        }
        failed = RunningChecks.submitterJobFailed(submitter.get(), status.get("jobStatus"));
        finishedAt = RunningChecks.jobFinishedAt(submitter.get());
      }
      Optional<RunningChecks.Transition> ended =
          RunningChecks.submitterFinishedTimeout(finishedAt, now).or(() -> failed);
      if (ended.isPresent()) {
        transition(job, status, ended.get());
        return;
      }
    }
    String jobId = String.valueOf(status.get("jobId"));
    Optional<URI> dashboard = dashboards.dashboard(job.namespace(), clusterName);
    if (dashboard.isEmpty()) {
      // Nothing answers at the head service (no head, or its Ray is not up): a failed request.
      statusCheckFailed(job, status, now);
      return;
    }
    RayJobsClient jobs =
        TokenAuth.dashboardJobs(client, flavor, dashboard.get(), job.namespace(), clusterName);
    JobDetails details;
    try {
      details = jobs.get(jobId);
    } catch (RayJobsException e) {
      if (e.statusCode() == 404) {
        jobNotFound(job, status, jobs, finishedAt, now);
      } else {
        statusCheckFailed(job, status, now);
      }
      return;
    }
    if (flavor.hasJobStatusCheckTimeout()) {
      status.remove(RunningChecks.FAILURE_START_TIME);
    }
    status.put("rayClusterStatus", Maps.map(cluster.getAdditionalProperties().get("status")));
    status.put("jobStatus", details.status().name());
    // Every release sets Reason to "" here unless the job failed (AppFailed, set below).
    status.remove("reason");
    status.put("message", details.message() == null ? "" : details.message());
    if (flavor.writesRayJobInfo()) {
      status.put("rayJobInfo", rayJobInfo(status, details));
    }
    boolean terminal = details.status().isTerminal();
    if (flavor.hasRayJobSubmitterChecks() && (k8sJobMode || job.sidecarMode())) {
      terminal = terminal && finishedAt.isPresent(); // utils.HasSubmitter
    } else if (k8sJobMode) {
      terminal = terminal && BatchJobs.finished(submitter.get()); // v1.1.0
    }
    if (terminal) {
      boolean failed = details.status() == JobStatus.FAILED;
      finish(
          job,
          status,
          failed ? "Failed" : "Complete",
          failed ? "AppFailed" : "",
          status.get("message").toString());
      return;
    }
    write(job, status);
    requeue(job);
  }

  /**
   * The dashboard does not know the job (GetJobInfo's BadRequest). HTTPMode submits it again (every
   * release; v1.7.0's {@code reconcileHTTPModeJobNotFound} also records a failed submission as a
   * failed check and clears the failure time after a good one). With a submitter (v1.5.0+), one
   * that has finished fails the RayJob; else the reconcile is retried.
   */
  private void jobNotFound(
      RayJobView job,
      Map<String, Object> status,
      RayJobsClient jobs,
      Optional<Instant> finishedAt,
      Instant now) {
    if (job.httpMode()) {
      boolean persist;
      try {
        jobs.submit(SubmitterJobs.submission(job, String.valueOf(status.get("jobId"))));
        persist =
            flavor.hasJobStatusCheckTimeout()
                && status.remove(RunningChecks.FAILURE_START_TIME) != null;
      } catch (RayJobsException e) {
        persist = recordStatusCheckFailure(status, now);
      }
      if (persist) {
        write(job, status);
      }
      requeue(job);
      return;
    }
    if (flavor.hasRayJobSubmitterChecks() && finishedAt.isPresent()) {
      transition(job, status, RunningChecks.SUBMITTER_DONE_JOB_NOT_FOUND);
      return;
    }
    requeue(job);
  }

  /**
   * GetJobInfo failed otherwise (no answer, an error status): v1.7.0 writes when the checks began
   * failing ({@code recordJobStatusCheckFailure}), once; every release retries.
   */
  private void statusCheckFailed(RayJobView job, Map<String, Object> status, Instant now) {
    if (recordStatusCheckFailure(status, now)) {
      write(job, status);
    }
    requeue(job);
  }

  /** {@code recordJobStatusCheckFailure} (v1.7.0): true when the failure time is new. */
  private boolean recordStatusCheckFailure(Map<String, Object> status, Instant now) {
    if (!flavor.hasJobStatusCheckTimeout()
        || status.get(RunningChecks.FAILURE_START_TIME) != null) {
      return false;
    }
    status.put(RunningChecks.FAILURE_START_TIME, time(now));
    return true;
  }

  /** A check's transition, written with Reconcile's counting and endTime. */
  private void transition(
      RayJobView job, Map<String, Object> status, RunningChecks.Transition transition) {
    transition.jobStatus().ifPresent(s -> status.put("jobStatus", s));
    finish(
        job,
        status,
        transition.deploymentStatus(),
        transition.reason(),
        transition.message().orElse(Maps.string(status, "message").orElse("")));
  }

  private void requeue(RayJobView job) {
    loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
  }

  /**
   * {@code getOrCreateRayClusterInstance} (every release): the RayJob's RayCluster; one that went
   * is created again from the RayJob's spec (with its event), except a clusterSelector's: null
   * then, and v1.5.0+ warns RayClusterNotFound.
   */
  private GenericKubernetesResource getOrCreateCluster(RayJobView job, String clusterName) {
    GenericKubernetesResource cluster =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(job.namespace())
            .withName(clusterName)
            .get();
    if (cluster != null) {
      return cluster;
    }
    if (job.selectedCluster().isPresent()) {
      // v1.5.0+ says so on every reconcile; the recorder would fold the repeats into one event,
      // so it is said once per RayJob here.
      if (flavor.recordsRayClusterNotFound()
          && warnedMissingCluster.add(job.resource().getMetadata().getUid() + "/" + clusterName)) {
        events.warning(
            job.resource(),
            "RayClusterNotFound",
            "RayCluster "
                + job.namespace()
                + "/"
                + clusterName
                + " set in the clusterSelector is not found. It must be created manually");
      }
      return null;
    }
    cluster = client.resource(clusterFor(job, clusterName)).create();
    events.normal(
        job.resource(),
        flavor.eventReason("CreatedRayCluster"),
        "Created RayCluster " + (flavor.modernEvents() ? job.namespace() + "/" : "") + clusterName);
    return cluster;
  }

  /**
   * InteractiveMode: wait until the user names the Ray job they submitted in {@code spec.jobId}.
   */
  private void waiting(RayJobView job, Map<String, Object> status) {
    if (preRunningDeadlinePassed(job, status)) {
      return;
    }
    Optional<String> jobId = job.specJobId();
    if (jobId.isEmpty()) {
      // A change to the spec queues the RayJob again.
      return;
    }
    status.put("jobId", jobId.get());
    status.put("jobDeploymentStatus", "Running");
    write(job, status);
    loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
  }

  /**
   * v1.5.0+: an invalid RayJob gets a Warning event and the ValidationFailed status, once; v1.1.0
   * only logs and retries, leaving the RayJob as it is.
   */
  private void rejectInvalid(
      RayJobView job, Map<String, Object> status, RayJobValidation.Violation violation) {
    if (!flavor.validatesClusters()) {
      return;
    }
    if ("ValidationFailed".equals(status.get("jobDeploymentStatus"))
        && violation.message().equals(status.get("message"))) {
      return;
    }
    events.warning(
        job.resource(),
        violation.reason(),
        job.namespace() + "/" + job.name() + ": " + violation.message());
    status.put("jobDeploymentStatus", "ValidationFailed");
    status.put("reason", "ValidationFailed");
    status.put("message", violation.message());
    // Reconcile writes this status before checkBackoffLimitAndUpdateStatusIfNeeded: no counting
    // (the API server still defaults the CRD's succeeded/failed to 0).
    store(job, status);
  }

  /**
   * v1.5.0+: {@code <rayjob>-head-svc}, the head service built for the job's cluster, renamed and
   * relabelled.
   */
  private void ensureHeadService(RayJobView job, RayClusterView cluster) {
    String name = job.name() + "-head-svc";
    if (client.services().inNamespace(job.namespace()).withName(name).get() != null) {
      return;
    }
    Service service = new HeadServiceFactory(flavor).build(cluster);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, job.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayJob");
    labels.put(Labels.NODE_TYPE, "head");
    labels.put(Labels.IDENTIFIER, job.name() + "-head");
    service.getMetadata().setName(name);
    service.getMetadata().setNamespace(job.namespace());
    service.getMetadata().setLabels(labels);
    service
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("ray.io/v1")
                    .withKind("RayJob")
                    .withName(job.name())
                    .withUid(job.resource().getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build()));
    try {
      client.resource(service).create();
      events.normal(
          job.resource(),
          flavor.eventReason("CreatedService"),
          "Created the service " + job.namespace() + "/" + name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        events.warning(
            job.resource(),
            "FailedToCreateService",
            "Failed to create the service " + job.namespace() + "/" + name + ", " + e.getMessage());
      }
    }
  }

  /**
   * K8sJobMode: the submitter container's command, in each pod of the submitter Job the node has
   * started; the Job, if there is one.
   */
  private Optional<Job> playSubmitter(RayJobView job, Map<String, Object> status) {
    if (job.httpMode() || job.sidecarMode() || job.interactiveMode()) {
      return Optional.empty();
    }
    Optional<Job> submitter =
        Optional.ofNullable(
            client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get());
    submitter.ifPresent(
        s ->
            submitters.runStartedPods(
                job,
                s,
                String.valueOf(status.get("jobId")),
                String.valueOf(status.get("rayClusterName"))));
    return submitter;
  }

  private void finished(RayJobView job, Map<String, Object> status) {
    // The Job may still start pods after the RayJob ended (its back-off after a deadline or after
    // the cluster went): their command runs and fails against the gone dashboard, as in a cluster.
    if (playSubmitter(job, status).filter(j -> !BatchJobs.finished(j)).isPresent()) {
      loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
    }
    // A clusterSelector's RayCluster is not the RayJob's to delete, whatever it asks for.
    if (job.selectedCluster().isPresent()) {
      return;
    }
    if (flavor.rayJobDeletionPolicyGate() && job.spec().get("deletionStrategy") != null) {
      deletion
          .reconcile(job.resource(), () -> deleteCluster(job, status), Instant.now())
          .ifPresent(after -> loop.enqueueAfter(ObjectKeys.of(job.resource()), after));
      return;
    }
    if (!job.shutdownAfterJobFinishes()) {
      return;
    }
    Instant end = Instant.parse(String.valueOf(status.getOrDefault("endTime", now())));
    Instant due = end.plusSeconds(job.ttlSecondsAfterFinished());
    Instant now = Instant.now();
    if (due.isAfter(now)) {
      // Looked at again 2 s after the due time, as every release does (v1.1.0 in whole seconds).
      loop.enqueueAfter(ObjectKeys.of(job.resource()), RayJobDeletion.requeueDelay(due, now));
      return;
    }
    deleteCluster(job, status);
  }

  /** {@code checkActiveDeadlineAndUpdateStatusIfNeeded} (all releases): Failed, not retried. */
  private boolean deadlinePassed(RayJobView job, Map<String, Object> status) {
    return passed(
        job, status, job.activeDeadlineSeconds(), "activeDeadlineSeconds", "DeadlineExceeded");
  }

  /**
   * v1.7.0's {@code checkPreRunningDeadlineAndUpdateStatusIfNeeded}: Initializing or Waiting past
   * {@code spec.preRunningDeadlineSeconds} after startTime fails (retried with a backoffLimit).
   */
  private boolean preRunningDeadlinePassed(RayJobView job, Map<String, Object> status) {
    if (!flavor.hasPreRunningDeadline()) {
      return false;
    }
    return passed(
        job,
        status,
        Maps.integer(job.spec(), "preRunningDeadlineSeconds"),
        "preRunningDeadlineSeconds",
        "PreRunningDeadlineExceeded");
  }

  private boolean passed(
      RayJobView job,
      Map<String, Object> status,
      Optional<Integer> deadline,
      String field,
      String reason) {
    if (deadline.isEmpty() || status.get("startTime") == null) {
      return false;
    }
    Instant start = Instant.parse(String.valueOf(status.get("startTime")));
    Instant due = start.plusSeconds(deadline.get());
    if (Instant.now().isBefore(due)) {
      loop.enqueueAfter(
          ObjectKeys.of(job.resource()), Duration.between(Instant.now(), due).plusMillis(50));
      return false;
    }
    finish(
        job,
        status,
        "Failed",
        reason,
        "The RayJob has passed the "
            + field
            + ". StartTime: "
            + goTimeString(start)
            + ". "
            + Character.toUpperCase(field.charAt(0))
            + field.substring(1)
            + ": "
            + deadline.get());
    return true;
  }

  /**
   * Go's {@code %v} of a {@code *metav1.Time} read back from the API server (whole seconds, the
   * operator's zone: UTC).
   */
  static String goTimeString(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'")
        .withZone(ZoneOffset.UTC)
        .format(instant);
  }

  private void failSubmission(RayJobView job, Map<String, Object> status, String why) {
    finish(job, status, "Failed", "SubmissionFailed", "Job submission has failed. Message: " + why);
  }

  private void finish(
      RayJobView job,
      Map<String, Object> status,
      String deployment,
      String reason,
      String message) {
    status.put("jobDeploymentStatus", deployment);
    if (!reason.isEmpty()) {
      status.put("reason", reason);
    }
    status.put("message", message);
    write(job, status);
    loop.enqueue(ObjectKeys.of(job.resource()));
  }

  /**
   * Writes the status as Reconcile does at its end, after {@code
   * checkBackoffLimitAndUpdateStatusIfNeeded} (v1.2.0+) has counted the attempt that just ended.
   */
  private void write(RayJobView job, Map<String, Object> status) {
    if (flavor.countsRayJobAttempts()) {
      countAttempts(status);
      if (retries(flavor, job, status)) {
        status.put("jobDeploymentStatus", "Retrying");
      }
    }
    // updateRayJobStatus (all releases): endTime when the write moves the RayJob to Complete or
    // Failed; a failure that is retried (Retrying) has none.
    Object deployment = status.get("jobDeploymentStatus");
    if (("Complete".equals(deployment) || "Failed".equals(deployment))
        && !deployment.equals(job.deploymentStatus())) {
      status.put("endTime", now());
    }
    store(job, status);
  }

  /**
   * {@code checkBackoffLimitAndUpdateStatusIfNeeded} (v1.2.0+): a move to Failed is retried while
   * the failures counted so far (this one included) are at most {@code spec.backoffLimit}, unless
   * the activeDeadlineSeconds passed (v1.7.0 also: the job status check timed out).
   */
  static boolean retries(OperatorFlavor flavor, RayJobView job, Map<String, Object> status) {
    Optional<Integer> limit = job.backoffLimit();
    if (!"Failed".equals(status.get("jobDeploymentStatus")) || limit.isEmpty()) {
      return false;
    }
    Object reason = status.get("reason");
    if ("DeadlineExceeded".equals(reason)
        || (flavor.hasJobStatusCheckTimeout() && "JobStatusCheckTimeoutExceeded".equals(reason))) {
      return false;
    }
    return Maps.integer(status, "failed").orElse(0) < limit.get() + 1;
  }

  /**
   * {@code updateStatusToSuspendingIfNeeded} (all releases): with {@code spec.suspend} an
   * Initializing or Running RayJob moves to Suspending, before the deadline checks.
   */
  private boolean suspending(RayJobView job, Map<String, Object> status) {
    if (!job.suspend()) {
      return false;
    }
    status.put("jobDeploymentStatus", "Suspending");
    write(job, status);
    loop.enqueue(ObjectKeys.of(job.resource()));
    return true;
  }

  /**
   * Suspending (all releases) and Retrying (v1.2.0+): the RayCluster and the submitter Job go, the
   * Ray job is not stopped; once both are gone the cluster and Ray job fields are reset and the
   * RayJob is Suspended, or New again to start over (a new cluster name and job id, unless
   * spec.jobId). Suspending goes on to Suspended even if spec.suspend was unset meanwhile.
   */
  private void release(RayJobView job, Map<String, Object> status) {
    boolean clusterGone =
        job.selectedCluster().isPresent() && flavor.keepsSelectedClusterOnRayJobRetry()
            || deleteCluster(job, status);
    boolean submitterGone = deleteSubmitter(job);
    if (!clusterGone || !submitterGone) {
      loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
      return;
    }
    status.put("rayClusterStatus", new LinkedHashMap<>());
    for (String field :
        List.of("rayClusterName", "dashboardURL", "jobId", "message", "jobStatus")) {
      status.remove(field);
    }
    if (flavor.writesRayJobInfo()) {
      // v1.1.0 keeps the reason; v1.5.0+ also resets it and rayJobInfo, v1.7.0 also
      // jobStatusCheckFailureStartTime.
      status.remove("reason");
      status.put("rayJobInfo", new LinkedHashMap<>());
      status.remove("jobStatusCheckFailureStartTime");
    }
    status.put(
        "jobDeploymentStatus", "Suspending".equals(job.deploymentStatus()) ? "Suspended" : "");
    write(job, status);
    loop.enqueue(ObjectKeys.of(job.resource()));
  }

  /** Suspended: unsetting {@code spec.suspend} makes the RayJob New again (all releases). */
  private void suspended(RayJobView job, Map<String, Object> status) {
    if (job.suspend()) {
      return; // a change to the spec queues the RayJob again
    }
    status.remove("jobStatus");
    status.put("jobDeploymentStatus", "");
    write(job, status);
    loop.enqueue(ObjectKeys.of(job.resource()));
  }

  /**
   * {@code deleteClusterResources}: true once the RayJob's RayCluster is gone; a live one is
   * deleted (an event) and is gone on a later reconcile.
   */
  private boolean deleteCluster(RayJobView job, Map<String, Object> status) {
    String clusterName = String.valueOf(status.get("rayClusterName"));
    var resource =
        client
            .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
            .inNamespace(job.namespace())
            .withName(clusterName);
    GenericKubernetesResource cluster = resource.get();
    if (cluster == null) {
      return true;
    }
    if (cluster.getMetadata().getDeletionTimestamp() == null) {
      resource.delete();
      // v1.1.0: reason "Deleted", the bare cluster name.
      events.normal(
          job.resource(),
          flavor.eventReason("DeletedRayCluster"),
          "Deleted cluster " + (flavor.modernEvents() ? job.namespace() + "/" : "") + clusterName);
    }
    return false;
  }

  /**
   * {@code deleteSubmitterJob}: true once the submitter Job (named as the RayJob) is gone; HTTPMode
   * and SidecarMode have none. Deleted with background propagation, so its pods follow.
   */
  private boolean deleteSubmitter(RayJobView job) {
    if (job.httpMode() || job.sidecarMode()) {
      return true;
    }
    var resource = client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name());
    Job submitter = resource.get();
    if (submitter == null) {
      return true;
    }
    if (submitter.getMetadata().getDeletionTimestamp() == null) {
      resource.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      events.normal(
          job.resource(),
          flavor.eventReason("DeletedRayJobSubmitter"),
          "Deleted submitter K8s Job "
              + (flavor.modernEvents() ? job.namespace() + "/" : "")
              + job.name());
    }
    return false;
  }

  /**
   * {@code checkBackoffLimitAndUpdateStatusIfNeeded} (v1.2.0-v1.7.0): {@code failed} and {@code
   * succeeded} are always written, one more when this write is the move to Failed, or to Complete
   * with the Ray job SUCCEEDED. Only {@link #finish} writes those states (the terminal states'
   * reconciles return before counting, here as in Go), so each attempt counts once.
   */
  static void countAttempts(Map<String, Object> status) {
    int failed = Maps.integer(status, "failed").orElse(0);
    int succeeded = Maps.integer(status, "succeeded").orElse(0);
    Object deployment = status.get("jobDeploymentStatus");
    if ("Failed".equals(deployment)) {
      failed++;
    }
    if ("Complete".equals(deployment) && "SUCCEEDED".equals(status.get("jobStatus"))) {
      succeeded++;
    }
    status.put("failed", failed);
    status.put("succeeded", succeeded);
  }

  /**
   * v1.4.0+: {@code rayJobInfo} holds the Ray job's own start and end as the dashboard reports them
   * ({@code JobInfo.StartTime}/{@code EndTime} in ms, written as a {@code metav1.Time}: whole
   * seconds), each once known.
   */
  static Map<String, Object> rayJobInfo(Map<String, Object> status, JobDetails details) {
    Map<String, Object> info = new LinkedHashMap<>(Maps.map(status.get("rayJobInfo")));
    if (details.startTime() != null) {
      info.put("startTime", time(details.startTime()));
    }
    if (details.endTime() != null) {
      info.put("endTime", time(details.endTime()));
    }
    return info;
  }

  /**
   * {@code status.rayClusterStatus} as Go writes it (all releases): a RayClusterStatus struct, so
   * written even before there is a cluster, with its {@code resource.Quantity} fields ({@code
   * desiredCPU}…, marshalled "0" when zero) and its {@code head} struct never omitted.
   */
  static Map<String, Object> goClusterStatus(Object clusterStatus) {
    Map<String, Object> written = new LinkedHashMap<>(Maps.map(clusterStatus));
    for (String quantity : List.of("desiredCPU", "desiredMemory", "desiredGPU", "desiredTPU")) {
      written.putIfAbsent(quantity, "0");
    }
    written.putIfAbsent("head", new LinkedHashMap<>());
    return written;
  }

  private void store(RayJobView job, Map<String, Object> status) {
    // Go's omitempty strings (every string of RayJobStatus, all releases) are not written when
    // empty; v1.4.0+'s rayJobInfo is a struct, written even when empty.
    status.values().removeIf(""::equals);
    if (flavor.writesRayJobInfo()) {
      status.putIfAbsent("rayJobInfo", new LinkedHashMap<>());
    }
    status.put("rayClusterStatus", goClusterStatus(status.get("rayClusterStatus")));
    GenericKubernetesResource resource = job.resource();
    resource.getAdditionalProperties().put("status", status);
    try {
      client
          .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
          .inNamespace(job.namespace())
          .resource(resource)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Someone changed the RayJob meanwhile: reconcile again from what is stored.
        loop.enqueueAfter(ObjectKeys.of(resource), Duration.ofMillis(20));
        return;
      }
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * The RayCluster a RayJob creates: its rayClusterSpec, its labels plus the originated-from pair,
   * owned by it.
   */
  private GenericKubernetesResource clusterFor(RayJobView job, String name) {
    GenericKubernetesResource cluster = new GenericKubernetesResource();
    cluster.setApiVersion("ray.io/v1");
    cluster.setKind("RayCluster");
    Map<String, String> labels = new LinkedHashMap<>();
    if (job.resource().getMetadata().getLabels() != null) {
      labels.putAll(job.resource().getMetadata().getLabels());
    }
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, job.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayJob");
    Map<String, String> annotations = new LinkedHashMap<>();
    if (job.resource().getMetadata().getAnnotations() != null) {
      annotations.putAll(job.resource().getMetadata().getAnnotations());
    }
    if (flavor.marksRayJobClusterSubmissionMode()) {
      labels.put("ray.io/job-submission-mode", job.submissionMode());
      if (job.sidecarMode()) {
        annotations.put("ray.io/disable-provisioned-head-restart", "true");
      }
    }
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(job.namespace())
            .withLabels(labels)
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("ray.io/v1")
                    .withKind("RayJob")
                    .withName(job.name())
                    .withUid(job.resource().getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    Map<String, Object> spec = Json.copy(Maps.map(job.spec().get("rayClusterSpec")));
    if (job.sidecarMode()) {
      addSidecarSubmitter(
          job,
          spec,
          String.valueOf(job.status().getOrDefault("jobId", "")),
          new TokenAuth(flavor, name, spec));
    }
    cluster.getAdditionalProperties().put("spec", spec);
    return cluster;
  }

  /**
   * SidecarMode: the submitter container appended to the head pod template ({@code
   * getSubmitterContainer}), which then never restarts. It reaches the dashboard on loopback once
   * the GCS is healthy.
   */
  private static void addSidecarSubmitter(
      RayJobView job, Map<String, Object> clusterSpec, String jobId, TokenAuth auth) {
    Map<String, Object> podSpec =
        Maps.map(Maps.get(clusterSpec, "headGroupSpec", "template", "spec"));
    List<Object> containers = Maps.list(podSpec.get("containers"));
    Map<String, Object> head = Maps.map(containers.get(0));
    int port = dashboardPort(head);
    String address = "http://127.0.0.1:" + port;
    String command =
        "until wget --tries 1 -T 10 -q -O- http://localhost:"
            + port
            + "/api/gcs_healthz | grep success >/dev/null 2>&1 ; do echo \"Waiting for Ray Dashboard GCS to become healthy at "
            + address
            + " ...\" ; sleep 2 ; done ; ray job submit --address "
            + address
            + " --submission-id "
            + jobId
            + " -- "
            + job.entrypoint().trim()
            + " ;";
    Container sidecar =
        new ContainerBuilder()
            .withName(SubmitterContainer.NAME)
            .withImage(String.valueOf(head.get("image")))
            .withCommand("/bin/bash", "-ce", "--")
            .withArgs(command)
            .addNewEnv()
            .withName("PYTHONUNBUFFERED")
            .withValue("1")
            .endEnv()
            // The dashboard URL is not known yet when the cluster is built: Go's empty string,
            // omitted.
            .addNewEnv()
            .withName("RAY_DASHBOARD_ADDRESS")
            .endEnv()
            .addNewEnv()
            .withName("RAY_JOB_SUBMISSION_ID")
            .withValue(jobId)
            .endEnv()
            .withNewResources()
            .addToLimits("cpu", new Quantity("1"))
            .addToLimits("memory", new Quantity("1Gi"))
            .addToRequests("cpu", new Quantity("500m"))
            .addToRequests("memory", new Quantity("200Mi"))
            .endResources()
            .build();
    auth.configureContainer(sidecar);
    containers.add(Json.convert(sidecar, Map.class));
    podSpec.put("containers", containers);
    podSpec.put("restartPolicy", "Never");
  }

  /** The head container's {@code dashboard} port ({@code FindContainerPort}), else 8265. */
  private static int dashboardPort(Map<String, Object> head) {
    int port = 8265;
    for (Object p : Maps.list(head.get("ports"))) {
      if ("dashboard".equals(Maps.map(p).get("name"))) {
        port = Maps.integer(Maps.map(p), "containerPort").orElse(8265);
      }
    }
    return port;
  }

  /** The address SidecarMode's submitter command submits to (the head pod's loopback). */
  private static String sidecarAddress(RayJobView job) {
    List<Object> containers =
        Maps.list(
            Maps.get(
                Maps.map(job.spec().get("rayClusterSpec")),
                "headGroupSpec",
                "template",
                "spec",
                "containers"));
    return "http://127.0.0.1:" + dashboardPort(Maps.map(containers.get(0)));
  }

  /**
   * {@code RayClusterHeadPodsAssociationOptions}: the cluster's head pods, terminating ones too.
   */
  private List<Pod> headPods(String namespace, String cluster) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.CLUSTER, cluster)
        .withLabel(Labels.NODE_TYPE, "head")
        .list()
        .getItems();
  }

  private static String imageOf(RayClusterView cluster) {
    return cluster.headTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static String now() {
    return time(Instant.now());
  }

  /** A {@code metav1.Time} as Go writes it: RFC 3339 in UTC, whole seconds. */
  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
    submitters.close();
  }
}
