package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.NameSuffix;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The emulated KubeRay RayJob controller: creates (or selects) the job's RayCluster, submits the
 * entrypoint when the cluster is ready — through a submitter batch Job in K8sJobMode, or directly in
 * HTTPMode — follows the Ray job through the dashboard and writes the RayJob's status, deadline and
 * cleanup as the real controller does.
 */
public final class RayJobController implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final EventRecorder events;
  private final DashboardLocator dashboards;
  private final SubmitterJobs submitters;
  private final ReconcileLoop loop;
  private final ObjectEvents objectEvents;
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public RayJobController(KubernetesClient client, ObjectEvents objectEvents, OperatorFlavor flavor, EventRecorder events, DashboardLocator dashboards) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.flavor = flavor;
    this.events = events;
    this.dashboards = dashboards;
    this.submitters = new SubmitterJobs(client, dashboards);
    this.loop = new ReconcileLoop("rayjob", this::reconcile);
  }

  public RayJobController start() {
    watches.add(objectEvents.watch(ResourceDefinitions.RAY_JOBS_REF, null, (type, o) -> {
      if (!"DELETED".equals(type)) {
        loop.enqueue(ObjectKeys.of(o.namespace(), o.name()));
      }
    }));
    watches.add(objectEvents.watch(ResourceDefinitions.RAY_CLUSTERS_REF, Labels.ORIGINATED_FROM_CRD + "=RayJob", (type, o) -> {
      if (!"DELETED".equals(type)) {
        loop.enqueue(ObjectKeys.of(o.namespace(), o.labels().get(Labels.ORIGINATED_FROM_CR_NAME)));
      }
    }));
    return this;
  }

  void reconcile(String key) {
    GenericKubernetesResource resource =
        client.genericKubernetesResources(ResourceDefinitions.RAY_JOBS).inNamespace(ObjectKeys.namespace(key)).withName(ObjectKeys.name(key)).get();
    if (resource == null || resource.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    RayJobView job = new RayJobView(resource);
    Map<String, Object> status = new LinkedHashMap<>(job.status());
    switch (job.deploymentStatus()) {
      case "" -> initialize(job, status);
      case "Initializing" -> initializing(job, status);
      case "Running" -> running(job, status);
      case "Complete", "Failed" -> finished(job, status);
      default -> { }
    }
  }

  private void initialize(RayJobView job, Map<String, Object> status) {
    client.genericKubernetesResources(ResourceDefinitions.RAY_JOBS).inNamespace(job.namespace()).withName(job.name()).edit(r -> {
      List<String> finalizers = new ArrayList<>(r.getMetadata().getFinalizers() == null ? List.of() : r.getMetadata().getFinalizers());
      if (!finalizers.contains("ray.io/rayjob-finalizer")) {
        finalizers.add("ray.io/rayjob-finalizer");
      }
      r.getMetadata().setFinalizers(finalizers);
      return r;
    });
    status.put("jobId", Maps.string(job.spec(), "jobId").filter(s -> !s.isBlank()).orElse(job.name() + "-" + NameSuffix.random()));
    status.put("rayClusterName", job.selectedCluster().orElse(flavor.rayJobClusterPrefix(job.name()) + NameSuffix.random()));
    status.put("jobStatus", "");
    status.put("jobDeploymentStatus", "Initializing");
    status.put("startTime", now());
    status.put("observedGeneration", job.resource().getMetadata().getGeneration());
    write(job, status);
  }

  private void initializing(RayJobView job, Map<String, Object> status) {
    if (deadlinePassed(job, status)) {
      return;
    }
    String clusterName = String.valueOf(status.get("rayClusterName"));
    GenericKubernetesResource cluster =
        client.genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS).inNamespace(job.namespace()).withName(clusterName).get();
    if (cluster == null) {
      if (job.selectedCluster().isPresent()) {
        loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
        return;
      }
      cluster = client.resource(clusterFor(job, clusterName)).create();
      events.normal(job.resource(), flavor.eventReason("CreatedRayCluster"), "Created RayCluster " + job.namespace() + "/" + clusterName);
    }
    Map<String, Object> clusterStatus = Maps.map(cluster.getAdditionalProperties().get("status"));
    status.put("rayClusterStatus", clusterStatus);
    if (!"ready".equals(clusterStatus.get("state"))) {
      write(job, status);
      loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
      return;
    }
    RayClusterView view = new RayClusterView(cluster);
    status.put("dashboardURL", PodFactory.fqdn(HeadServiceFactory.name(view), job.namespace()) + ":8265");
    String jobId = String.valueOf(status.get("jobId"));
    if (job.httpMode()) {
      Optional<URI> dashboard = dashboards.dashboard(job.namespace(), clusterName);
      if (dashboard.isEmpty()) {
        failSubmission(job, status, "the emulated head of RayCluster " + clusterName + " runs no Ray dashboard (kuberay.ray=off or Ray unavailable)");
        return;
      }
      try {
        RayJobsClient.connect(dashboard.get()).submit(SubmitterJobs.submission(job, jobId));
      } catch (RayJobsException e) {
        failSubmission(job, status, e.getMessage());
        return;
      }
    } else {
      Job submitter = submitters.create(job, jobId, status.get("dashboardURL").toString(), clusterName, imageOf(view));
      events.normal(job.resource(), flavor.eventReason("CreatedRayJobSubmitter"), "Created Kubernetes Job " + job.namespace() + "/" + submitter.getMetadata().getName());
    }
    status.put("jobDeploymentStatus", "Running");
    write(job, status);
    loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
  }

  private void running(RayJobView job, Map<String, Object> status) {
    if (deadlinePassed(job, status)) {
      return;
    }
    String clusterName = String.valueOf(status.get("rayClusterName"));
    GenericKubernetesResource cluster = client.genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS).inNamespace(job.namespace()).withName(clusterName).get();
    if (cluster != null) {
      status.put("rayClusterStatus", Maps.map(cluster.getAdditionalProperties().get("status")));
    }
    Optional<Job> submitter = job.httpMode() ? Optional.empty() : Optional.ofNullable(client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get());
    if (submitter.isPresent() && SubmitterJobs.failed(submitter.get())) {
      var condition = SubmitterJobs.failedCondition(submitter.get());
      boolean appFailed = "FAILED".equals(status.get("jobStatus"));
      finish(job, status, "Failed", appFailed ? "AppFailed" : "SubmissionFailed",
          appFailed ? String.valueOf(status.get("message")) : "Job submission has failed. Reason: " + condition.getReason() + ". Message: " + condition.getMessage());
      return;
    }
    Optional<URI> dashboard = dashboards.dashboard(job.namespace(), clusterName);
    if (dashboard.isPresent()) {
      try {
        JobDetails details = RayJobsClient.connect(dashboard.get()).get(String.valueOf(status.get("jobId")));
        status.put("jobStatus", details.status().name());
        status.put("message", details.message() == null ? "" : details.message());
        boolean submitterDone = submitter.map(SubmitterJobs::finished).orElse(true);
        if (details.status().isTerminal() && submitterDone) {
          boolean failed = details.status() == io.kuberay.harness.ray.JobStatus.FAILED;
          finish(job, status, failed ? "Failed" : "Complete", failed ? "AppFailed" : "", status.get("message").toString());
          return;
        }
      } catch (RayJobsException e) {
        // Not submitted yet (404) or the dashboard is busy: look again shortly, as the operator requeues.
      }
    }
    write(job, status);
    loop.enqueueAfter(ObjectKeys.of(job.resource()), POLL);
  }

  private void finished(RayJobView job, Map<String, Object> status) {
    if (!job.shutdownAfterJobFinishes() || job.selectedCluster().isPresent()) {
      return;
    }
    String clusterName = String.valueOf(status.get("rayClusterName"));
    Instant end = Instant.parse(String.valueOf(status.getOrDefault("endTime", now())));
    Duration remaining = Duration.between(Instant.now(), end.plusSeconds(job.ttlSecondsAfterFinished()));
    if (!remaining.isNegative() && !remaining.isZero()) {
      loop.enqueueAfter(ObjectKeys.of(job.resource()), remaining.plusMillis(50));
      return;
    }
    if (client.genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS).inNamespace(job.namespace()).withName(clusterName).get() != null) {
      client.genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS).inNamespace(job.namespace()).withName(clusterName).delete();
      events.normal(job.resource(), flavor.eventReason("DeletedRayCluster"), "Deleted cluster " + job.namespace() + "/" + clusterName);
    }
  }

  private boolean deadlinePassed(RayJobView job, Map<String, Object> status) {
    Optional<Integer> deadline = job.activeDeadlineSeconds();
    if (deadline.isEmpty() || status.get("startTime") == null) {
      return false;
    }
    Instant start = Instant.parse(String.valueOf(status.get("startTime")));
    Instant due = start.plusSeconds(deadline.get());
    if (Instant.now().isBefore(due)) {
      loop.enqueueAfter(ObjectKeys.of(job.resource()), Duration.between(Instant.now(), due).plusMillis(50));
      return false;
    }
    finish(job, status, "Failed", "DeadlineExceeded",
        "The RayJob has passed the activeDeadlineSeconds. StartTime: " + start + ". ActiveDeadlineSeconds: " + deadline.get());
    return true;
  }

  private void failSubmission(RayJobView job, Map<String, Object> status, String why) {
    finish(job, status, "Failed", "SubmissionFailed", "Job submission has failed. Message: " + why);
  }

  private void finish(RayJobView job, Map<String, Object> status, String deployment, String reason, String message) {
    status.put("jobDeploymentStatus", deployment);
    if (!reason.isEmpty()) {
      status.put("reason", reason);
    }
    status.put("message", message);
    status.put("endTime", now());
    write(job, status);
    loop.enqueue(ObjectKeys.of(job.resource()));
  }

  private void write(RayJobView job, Map<String, Object> status) {
    GenericKubernetesResource resource = job.resource();
    resource.getAdditionalProperties().put("status", status);
    try {
      client.genericKubernetesResources(ResourceDefinitions.RAY_JOBS).inNamespace(job.namespace()).resource(resource).updateStatus();
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

  /** The RayCluster a RayJob creates: its rayClusterSpec, its labels plus the originated-from pair, owned by it. */
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
    cluster.setMetadata(new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(job.namespace())
        .withLabels(labels)
        .withAnnotations(job.resource().getMetadata().getAnnotations())
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("ray.io/v1").withKind("RayJob").withName(job.name()).withUid(job.resource().getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .build());
    cluster.getAdditionalProperties().put("spec", Json.copy(Maps.map(job.spec().get("rayClusterSpec"))));
    return cluster;
  }

  private static String imageOf(RayClusterView cluster) {
    return cluster.headTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
    submitters.close();
  }
}
