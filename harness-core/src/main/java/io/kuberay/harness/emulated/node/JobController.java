package io.kuberay.harness.emulated.node;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.store.ObjectEvents;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.BatchJobs;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.ReconcileLoop;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Job controller of kube-controller-manager (Kubernetes 1.31), for NonIndexed Jobs: pods made
 * from the template (with the {@code job-name}/{@code controller-uid} labels and the Job as
 * controller), up to {@code parallelism} and the {@code completions} still missing; pod phases
 * counted into {@code active}/{@code ready}/{@code succeeded}/{@code failed}; a failed pod replaced
 * after the exponential back-off (10 s doubling) while {@code failed <= backoffLimit}; {@code
 * activeDeadlineSeconds} enforced; the terminal conditions written as 1.31 writes them ({@code
 * SuccessCriteriaMet} then {@code Complete}, both {@code CompletionsReached}; {@code FailureTarget}
 * then {@code Failed}), with the controller's events. The pods run on the emulated node to
 * completion ({@code node.runtime.CompletionPodRuntime}).
 *
 * <p>A RayJob's K8sJobMode submitter Job is run as any other, but its pods' command is not run on
 * the node: the emulated operator plays the submitter's part (see {@code
 * emulated.operator.SubmitterJobs}) and the node ends the pod when it is done.
 */
public final class JobController implements AutoCloseable {

  static final ResourceRef JOBS = new ResourceRef("batch", "v1", "jobs");
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  private static final String COMPLETIONS_REACHED = "CompletionsReached";
  private static final String SUCCEEDED_PODS = "Reached expected number of succeeded pods";
  private static final Duration BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final ObjectEvents objectEvents;
  private final EventRecorder events;
  private final ReconcileLoop loop = new ReconcileLoop("job-controller", this::reconcile);
  private final List<ObjectEvents.Subscription> watches = new ArrayList<>();

  public JobController(KubernetesClient client, ObjectEvents objectEvents, EventRecorder events) {
    this.client = client;
    this.objectEvents = objectEvents;
    this.events = events;
  }

  /** Watches Jobs and the pods of Jobs; the first events queue every existing Job. */
  public JobController start() {
    watches.add(
        objectEvents.watch(
            JOBS, null, (type, j) -> loop.enqueue(ObjectKeys.of(j.namespace(), j.name()))));
    watches.add(
        objectEvents.watch(
            new ResourceRef("", "v1", "pods"),
            JOB_NAME,
            (type, p) -> loop.enqueue(ObjectKeys.of(p.namespace(), p.labels().get(JOB_NAME)))));
    return this;
  }

  /** Whether this controller runs the Job (makes and counts its pods): not an Indexed Job. */
  static boolean runs(Job job) {
    return !"Indexed".equals(job.getSpec() == null ? null : job.getSpec().getCompletionMode());
  }

  /**
   * Whether the Job's pods run their command on the node: not a RayJob's submitter, whose
   * container's part the emulated operator plays.
   */
  static boolean runsCommands(Job job) {
    return runs(job) && !ownedByRayJob(job.getMetadata());
  }

  private static boolean ownedByRayJob(ObjectMeta meta) {
    return meta.getOwnerReferences() != null
        && meta.getOwnerReferences().stream()
            .anyMatch(
                o ->
                    "RayJob".equals(o.getKind())
                        && o.getApiVersion() != null
                        && o.getApiVersion().startsWith("ray.io/"));
  }

  /**
   * Whether the pod is one this controller made and the node runs the command of: its controller is
   * a Job whose pods {@linkplain #runsCommands run their command}. Such pods run to completion on
   * the node.
   */
  public static boolean isJobPod(KubernetesClient client, Pod pod) {
    Optional<OwnerReference> owner = controllerOf(pod.getMetadata());
    if (owner.isEmpty() || !"Job".equals(owner.get().getKind())) {
      return false;
    }
    Job job =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(owner.get().getName())
            .get();
    return job != null
        && Objects.equals(job.getMetadata().getUid(), owner.get().getUid())
        && runsCommands(job);
  }

  private static Optional<OwnerReference> controllerOf(ObjectMeta meta) {
    return meta.getOwnerReferences() == null
        ? Optional.empty()
        : meta.getOwnerReferences().stream()
            .filter(o -> Boolean.TRUE.equals(o.getController()))
            .findFirst();
  }

  private void reconcile(String key) {
    Job job =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ObjectKeys.namespace(key))
            .withName(ObjectKeys.name(key))
            .get();
    if (job == null
        || job.getMetadata().getDeletionTimestamp() != null
        || !runs(job)
        || BatchJobs.finished(job)) {
      return;
    }
    Instant now = Instant.now();
    JobStatus before = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus status = Json.copy(before);
    List<Pod> pods = BatchJobs.pods(client, job);
    List<Pod> active = new ArrayList<>();
    int succeeded = 0;
    int failed = 0;
    Instant lastFailure = null;
    for (Pod p : pods) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        succeeded++;
      } else if ("Failed".equals(phase)) {
        failed++;
        Instant at = finishedAt(p).orElse(now);
        lastFailure = lastFailure == null || at.isAfter(lastFailure) ? at : lastFailure;
      } else if (p.getMetadata().getDeletionTimestamp() == null) {
        active.add(p);
        if ("OnFailure".equals(p.getSpec().getRestartPolicy())) {
          failed += restarts(p); // with OnFailure each container restart counts against the limit
        }
      }
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      deleteAll(job, active);
      active.clear();
      if (setCondition(status, "Suspended", "JobSuspended", "Job suspended", now)) {
        events.normal(job, "Suspended", "Job suspended");
      }
      writeStatus(job, before, counted(status, active, succeeded, failed));
      return;
    }
    if (status.getStartTime() == null) {
      status.setStartTime(time(now));
    }
    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    Instant started = Instant.parse(status.getStartTime());
    String failReason = null;
    String failMessage = null;
    if (failed > backoffLimit) {
      failReason = "BackoffLimitExceeded";
      failMessage = "Job has reached the specified backoff limit";
    } else if (deadline != null && !now.isBefore(started.plusSeconds(deadline))) {
      failReason = "DeadlineExceeded";
      failMessage = "Job was active longer than specified deadline";
    } else if (deadline != null) {
      loop.enqueueAfter(key, Duration.between(now, started.plusSeconds(deadline)).plusMillis(50));
    }
    if (failReason != null) {
      // Every pod still running counts as failed once the Job has failed.
      failed += active.size();
      deleteAll(job, active);
      active.clear();
      addCondition(status, "FailureTarget", failReason, failMessage, now);
      addCondition(status, "Failed", failReason, failMessage, now);
      writeStatus(job, before, counted(status, active, succeeded, failed));
      events.warning(job, failReason, failMessage);
      return;
    }
    Integer completions = job.getSpec().getCompletions();
    int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
    boolean complete =
        completions == null
            ? succeeded > 0 && active.isEmpty()
            : succeeded >= completions && active.isEmpty();
    if (complete) {
      addCondition(status, "SuccessCriteriaMet", COMPLETIONS_REACHED, SUCCEEDED_PODS, now);
      addCondition(status, "Complete", COMPLETIONS_REACHED, SUCCEEDED_PODS, now);
      status.setCompletionTime(time(now));
      writeStatus(job, before, counted(status, active, succeeded, failed));
      events.normal(job, "Completed", "Job completed");
      return;
    }
    int wanted =
        completions == null
            ? (succeeded > 0 ? 0 : parallelism)
            : Math.min(parallelism, completions - succeeded);
    if (active.size() < wanted) {
      Duration wait = failed == 0 ? Duration.ZERO : backoff(failed, lastFailure, now);
      if (!wait.isZero()) {
        loop.enqueueAfter(key, wait);
      } else {
        for (int i = active.size(); i < wanted; i++) {
          active.add(createPod(job));
        }
      }
    }
    writeStatus(job, before, counted(status, active, succeeded, failed));
  }

  /**
   * What is left of the pod-failure back-off: 10 s, doubled per further failure, at most 10 min.
   */
  static Duration backoff(int failures, Instant lastFailure, Instant now) {
    if (lastFailure == null) {
      return Duration.ZERO;
    }
    Duration delay = BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
    if (delay.compareTo(MAX_BACKOFF) > 0) {
      delay = MAX_BACKOFF;
    }
    Duration left = Duration.between(now, lastFailure.plus(delay));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private Pod createPod(Job job) {
    ObjectMeta template =
        job.getSpec().getTemplate().getMetadata() == null
            ? new ObjectMeta()
            : job.getSpec().getTemplate().getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getLabels() != null) {
      labels.putAll(template.getLabels());
    }
    // The API server writes these into the template of a Job without a manual selector.
    String uid = job.getMetadata().getUid();
    labels.put(BatchJobs.CONTROLLER_UID, uid);
    labels.put(JOB_NAME, job.getMetadata().getName());
    labels.put("controller-uid", uid);
    labels.put("job-name", job.getMetadata().getName());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(job.getMetadata().getName() + "-")
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(template.getAnnotations())
            .withFinalizers(template.getFinalizers())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(job.getMetadata().getName())
                    .withUid(uid)
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(Json.copy(job.getSpec().getTemplate().getSpec()))
            .build();
    try {
      Pod created = client.resource(pod).create();
      events.normal(job, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
      return created;
    } catch (KubernetesClientException e) {
      events.warning(job, "FailedCreate", "Error creating: " + ApiStatusMessage.of(e));
      throw e;
    }
  }

  private void deleteAll(Job job, List<Pod> pods) {
    for (Pod p : pods) {
      client
          .pods()
          .inNamespace(p.getMetadata().getNamespace())
          .withName(p.getMetadata().getName())
          .delete();
      events.normal(job, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
    }
  }

  private static JobStatus counted(JobStatus status, List<Pod> active, int succeeded, int failed) {
    status.setActive(active.isEmpty() ? null : active.size());
    status.setReady((int) active.stream().filter(JobController::ready).count());
    status.setSucceeded(succeeded == 0 ? null : succeeded);
    status.setFailed(failed == 0 ? null : failed);
    status.setTerminating(0);
    if (status.getUncountedTerminatedPods() == null) {
      status.setUncountedTerminatedPods(new UncountedTerminatedPods());
    }
    return status;
  }

  private void writeStatus(Job job, JobStatus before, JobStatus after) {
    if (Objects.equals(Json.toMap(before), Json.toMap(after))) {
      return;
    }
    job.setStatus(after);
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(job)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e; // a conflict: the loop retries with the Job as it is now
      }
    }
  }

  private static void addCondition(
      JobStatus status, String type, String reason, String message, Instant now) {
    List<JobCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    conditions.add(
        new JobConditionBuilder()
            .withType(type)
            .withStatus("True")
            .withReason(reason)
            .withMessage(message)
            .withLastProbeTime(time(now))
            .withLastTransitionTime(time(now))
            .build());
    status.setConditions(conditions);
  }

  /** Sets a condition True unless it already is; true when it changed. */
  private static boolean setCondition(
      JobStatus status, String type, String reason, String message, Instant now) {
    if (status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))) {
      return false;
    }
    if (status.getConditions() != null) {
      status.setConditions(
          new ArrayList<>(
              status.getConditions().stream().filter(c -> !type.equals(c.getType())).toList()));
    }
    addCondition(status, type, reason, message, now);
    return true;
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int restarts(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return p.getStatus().getContainerStatuses().stream()
        .mapToInt(cs -> cs.getRestartCount() == null ? 0 : cs.getRestartCount())
        .sum();
  }

  private static Optional<Instant> finishedAt(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
      if (cs.getState() != null
          && cs.getState().getTerminated() != null
          && cs.getState().getTerminated().getFinishedAt() != null) {
        return Optional.of(Instant.parse(cs.getState().getTerminated().getFinishedAt()));
      }
    }
    return Optional.empty();
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    watches.forEach(ObjectEvents.Subscription::close);
    loop.close();
  }
}
