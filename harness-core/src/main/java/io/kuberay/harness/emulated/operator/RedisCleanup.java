package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.GoDuration;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.ObjectKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis cleanup of GCS fault tolerance, as {@code rayClusterReconcile} runs it before anything
 * else: a GCS FT cluster gets the finalizer {@value #FINALIZER} before its pods are made; once it
 * is deleted its pods are deleted, and when no head pod is left the Job {@code
 * <cluster>-redis-cleanup} ({@link RedisCleanupJob}) deletes the cluster's storage namespace from
 * Redis; the finalizer goes when that Job has finished, succeeded or failed. The operator's {@code
 * ENABLE_GCS_FT_REDIS_CLEANUP=false} turns it all off ({@link OperatorOptions#gcsFtRedisCleanup()},
 * read from the operator's Deployment).
 */
final class RedisCleanup {

  private static final Logger logger = LoggerFactory.getLogger(RedisCleanup.class);

  static final String FINALIZER = "ray.io/gcs-ft-redis-cleanup-finalizer";
  static final String DELETION_TIMEOUT_ANNOTATION = "ray.io/gcs-ft-deletion-timeout";
  static final Duration DEFAULT_DELETION_TIMEOUT = Duration.ofSeconds(300);

  private final KubernetesClient client;
  private final OperatorFlavor flavor;
  private final PodFactory pods;
  private final EventRecorder events;
  private final BiConsumer<String, Duration> requeue;
  private final Supplier<Instant> clock;
  private final Set<String> timeoutScheduled = ConcurrentHashMap.newKeySet();

  /**
   * @param requeue reconciles a cluster key again after a delay (for the v1.7.0 timeout)
   */
  RedisCleanup(
      KubernetesClient client,
      OperatorFlavor flavor,
      EventRecorder events,
      BiConsumer<String, Duration> requeue,
      Supplier<Instant> clock) {
    this.client = client;
    this.flavor = flavor;
    this.pods = new PodFactory(flavor);
    this.events = events;
    this.requeue = requeue;
    this.clock = clock;
  }

  /**
   * Runs the cleanup's part of a reconcile. True: the reconcile goes on as usual; false: it ends
   * here, as the Go code returns.
   */
  boolean reconcile(GenericKubernetesResource resource, RayClusterView cluster) {
    boolean deleting = resource.getMetadata().getDeletionTimestamp() != null;
    boolean embedded = embeddedBackend(cluster);
    if (deleting && embedded && hasFinalizer(resource)) {
      // v1.7.0: a cluster moved to the embedded backend still carries the finalizer of its Redis.
      removeFinalizer(cluster);
      return false;
    }
    if (embedded || !new GcsFaultTolerance(flavor, cluster).enabled()) {
      return true;
    }
    if (!flavor.gcsFtRedisCleanup()) {
      return true;
    }
    if (!deleting) {
      if (!hasFinalizer(resource)) {
        // Only start the RayCluster reconciliation after the finalizer is added.
        addFinalizer(cluster);
        return false;
      }
      return true;
    }
    String ns = cluster.namespace();
    List<Pod> heads = podsOf(cluster, "head");
    deleteActive(heads);
    deleteActive(podsOf(cluster, "worker"));
    if (!heads.isEmpty()) {
      // The storage namespace cannot be fully deleted while the head's GCS still writes to it.
      return false;
    }
    List<Job> jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withLabel(Labels.CLUSTER, cluster.name())
            .withLabel(Labels.NODE_TYPE, RedisCleanupJob.NODE_TYPE)
            .list()
            .getItems();
    if (flavor.hasGcsFtDeletionTimeout() && hasFinalizer(resource) && timedOut(resource)) {
      forceRemoveFinalizer(resource, cluster);
      return false;
    }
    if (!jobs.isEmpty()) {
      Job job = jobs.get(0);
      Optional<String> finished = finishedAs(job);
      if (finished.isPresent()) {
        removeFinalizer(cluster);
        logger.info(
            "RayCluster {}: the Redis cleanup Job {} {}; finalizer {} removed",
            ObjectKeys.of(ns, cluster.name()),
            job.getMetadata().getName(),
            "Complete".equals(finished.get()) ? "completed" : "failed",
            FINALIZER);
      }
      // Still running: the Job's status changes reconcile the cluster again.
      return false;
    }
    Job job =
        RedisCleanupJob.build(
            flavor, cluster, pods.headPod(cluster, HeadServiceFactory.name(cluster, flavor)));
    String jobName = job.getMetadata().getName();
    try {
      client.resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false; // already exists: its status brings the cluster back
      }
      if (flavor.recordsRedisCleanupJobEvents()) {
        events.warning(
            resource,
            "FailedToCreateRedisCleanupJob",
            "Failed to create Redis cleanup Job " + ns + "/" + jobName + ", " + message(e));
      }
      throw e;
    }
    if (flavor.recordsRedisCleanupJobEvents()) {
      events.normal(
          resource, "CreatedRedisCleanupJob", "Created Redis cleanup Job " + ns + "/" + jobName);
    }
    return false;
  }

  static boolean hasFinalizer(GenericKubernetesResource resource) {
    List<String> finalizers = resource.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(FINALIZER);
  }

  /** v1.7.0's {@code IsGCSFaultToleranceEmbedded}: {@code gcsFaultToleranceOptions.backend}. */
  private boolean embeddedBackend(RayClusterView cluster) {
    return flavor.hasGcsFtDeletionTimeout()
        && cluster
            .gcsFaultToleranceOptions()
            .flatMap(o -> Maps.string(o, "backend"))
            .filter("rocksdb"::equals)
            .isPresent();
  }

  /**
   * {@code IsJobFinished}: Complete or Failed, and from v1.7.0 FailureTarget (as Failed), with
   * status True.
   */
  Optional<String> finishedAs(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (!"True".equals(c.getStatus())) {
        continue;
      }
      if ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) {
        return Optional.of(c.getType());
      }
      if (flavor.hasGcsFtDeletionTimeout() && "FailureTarget".equals(c.getType())) {
        return Optional.of("Failed");
      }
    }
    return Optional.empty();
  }

  private List<Pod> podsOf(RayClusterView cluster, String nodeType) {
    return client
        .pods()
        .inNamespace(cluster.namespace())
        .withLabel(Labels.CLUSTER, cluster.name())
        .withLabel(Labels.NODE_TYPE, nodeType)
        .list()
        .getItems();
  }

  /** {@code deleteAllPods}: a DeleteAllOf when any of them is not terminating yet; no event. */
  private void deleteActive(List<Pod> list) {
    for (Pod p : list) {
      if (p.getMetadata().getDeletionTimestamp() == null) {
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .delete();
      }
    }
  }

  private boolean timedOut(GenericKubernetesResource resource) {
    Instant deleted = Instant.parse(resource.getMetadata().getDeletionTimestamp());
    Duration timeout = deletionTimeout(resource.getMetadata().getAnnotations());
    Duration age = Duration.between(deleted, clock.get());
    if (age.compareTo(timeout) >= 0) {
      return true;
    }
    String key =
        ObjectKeys.of(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    if (timeoutScheduled.add(key)) {
      requeue.accept(key, timeout.minus(age).plusMillis(50));
    }
    return false;
  }

  /** {@code getGCSFTDeletionTimeout}: the annotation's whole positive seconds, else 300 s. */
  static Duration deletionTimeout(Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(DELETION_TIMEOUT_ANNOTATION);
    if (value != null) {
      try {
        int seconds = Integer.parseInt(value);
        if (seconds > 0) {
          return Duration.ofSeconds(seconds);
        }
      } catch (NumberFormatException e) {
        // Go's strconv.Atoi fails the same way: the default applies
      }
    }
    return DEFAULT_DELETION_TIMEOUT;
  }

  private void forceRemoveFinalizer(GenericKubernetesResource resource, RayClusterView cluster) {
    Duration age =
        Duration.between(Instant.parse(resource.getMetadata().getDeletionTimestamp()), clock.get());
    removeFinalizer(cluster);
    String storageNamespace =
        cluster.annotations().getOrDefault(GcsFaultTolerance.STORAGE_NS_ANNOTATION, "");
    events.warning(
        resource,
        "ForceDeletedStuckCluster",
        "Force-removed GCS FT finalizer after "
            + GoDuration.format(age)
            + " due to Redis cleanup timeout; Redis storage namespace \""
            + storageNamespace
            + "\" may need manual cleanup");
  }

  private void addFinalizer(RayClusterView cluster) {
    editFinalizers(
        cluster,
        f -> {
          if (!f.contains(FINALIZER)) {
            f.add(FINALIZER);
          }
        });
  }

  private void removeFinalizer(RayClusterView cluster) {
    editFinalizers(cluster, f -> f.remove(FINALIZER));
  }

  private void editFinalizers(RayClusterView cluster, Consumer<List<String>> change) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace(cluster.namespace())
        .withName(cluster.name())
        .edit(
            r -> {
              List<String> finalizers =
                  new ArrayList<>(
                      r.getMetadata().getFinalizers() == null
                          ? List.of()
                          : r.getMetadata().getFinalizers());
              change.accept(finalizers);
              r.getMetadata().setFinalizers(finalizers);
              return r;
            });
  }

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
