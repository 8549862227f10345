package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.operator.running.RunningChecks;
import io.kuberay.harness.ray.RayAuthToken;
import java.time.Duration;
import java.util.Locale;

/**
 * What differs between KubeRay releases in what the operator creates and reports. One place for the
 * version switches so that the builders read as the facts they implement.
 */
public record OperatorFlavor(KubeRayVersion version, OperatorOptions options) {

  /** The release run with its default command line. */
  public OperatorFlavor(KubeRayVersion version) {
    this(version, OperatorOptions.defaults(version));
  }

  /**
   * Whether the operator reconciles custom resources of this namespace ({@code --watch-namespace}).
   */
  public boolean watches(String namespace) {
    return options.watches(namespace);
  }

  /**
   * v1.2.0 renamed worker pods from {@code <cluster>-worker-<group>-} to {@code
   * <cluster>-<group>-worker-}.
   */
  String workerGenerateName(String cluster, String group) {
    return version.isAtLeast(KubeRayVersion.V1_5_0)
        ? podName(cluster + "-" + group, "worker")
        : HeadServiceFactory.checkName(cluster + "-worker-" + group + "-");
  }

  String headGenerateName(String cluster) {
    return version.isAtLeast(KubeRayVersion.V1_5_0)
        ? podName(cluster, "head")
        : HeadServiceFactory.checkName(cluster + "-head-");
  }

  /**
   * v1.5.0's {@code utils.PodName}: the prefix cut to its first 50 characters, then the node type.
   */
  private static String podName(String prefix, String nodeType) {
    return (prefix.length() <= 50 ? prefix : prefix.substring(0, 50)).toLowerCase(Locale.ROOT)
        + "-"
        + nodeType
        + "-";
  }

  /** v1.4.0 dropped the login shell ({@code -l}). */
  String shellFlag() {
    return version.isAtLeast(KubeRayVersion.V1_5_0) ? "-c" : "-lc";
  }

  String ulimitPrefix() {
    // v1.5.0 still hard-codes the limit (observed on the real operator); the variable came later.
    return version.isAtLeast(KubeRayVersion.V1_7_0)
        ? "ulimit -n ${RAY_START_ULIMIT_OPEN_FILES:-65536}; "
        : "ulimit -n 65536; ";
  }

  /**
   * Up to v1.5.0 (observed on the real operators) each flag is rendered as {@code " --k=v "}; later
   * releases join with one space.
   */
  boolean padsStartFlags() {
    return !version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /** v1.1.0 renders ray start flags in map order; later releases sort them by key. */
  boolean sortsStartParams() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.2.0+ makes a ClusterIP head service headless unless ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE is
   * set.
   */
  boolean headlessHeadService() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * A Service name the operator generates ({@code <name>-head-svc}, {@code <name>-serve-svc}):
   * shortened by {@code utils.CheckName} up to v1.3 (so on v1.1.0 here), as is from v1.4.0.
   */
  public String generatedServiceName(String name) {
    return version.isAtLeast(KubeRayVersion.V1_5_0) ? name : RayAuthToken.checkName(name);
  }

  /**
   * v1.6.0+'s serve service carries every head port named {@code serve} or {@code serve-*} and
   * merges a user's {@code serveService} ports over them by name; before, only the port named
   * {@code serve}.
   */
  public boolean servesEveryServePort() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.3.0+'s RayService service update sets the stored cluster IP over the one it built; before,
   * only when the built one (a user's {@code serveService}) has none.
   */
  public boolean overwritesServiceClusterIp() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** The GCS port's name in the default head service ports. */
  String gcsPortName() {
    return version.isAtLeast(KubeRayVersion.V1_5_0) ? "gcs-server" : "redis";
  }

  /**
   * The /dev/shm volume's size is the Ray container's memory limit, else its request
   * (findMemoryReqOrLimit from upstream v1.3.0, so of the supported releases v1.5.0+); up to v1.2
   * the request came first.
   */
  boolean shmSizeFromLimitFirst() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** num-cpus falls back to the CPU request when no limit is set (v1.5.0+). */
  boolean cpuFallsBackToRequest() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** Status conditions (RayClusterStatusConditions feature gate, on by default from v1.5.0). */
  boolean hasConditions() {
    return options.enabled("RayClusterStatusConditions");
  }

  /** readyWorkerReplicas, stateTransitionTimes, head.podName and head.serviceName. */
  boolean hasExtendedStatus() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** v1.1.0 sets REDIS_PASSWORD on Ray containers. */
  boolean setsRedisPassword() {
    return !version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** v1.5.0+ sets RAY_CLUSTER_NAMESPACE. */
  boolean setsClusterNamespace() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.4.0 changed a RayJob's cluster name from {@code <job>-raycluster-xxxxx} to {@code
   * <job>-xxxxx}.
   */
  public String rayJobClusterPrefix(String job) {
    return version.isAtLeast(KubeRayVersion.V1_5_0) ? job + "-" : job + "-raycluster-";
  }

  /** Probe timeout: 1 s in v1.1.0; v1.5.0+ uses 5 s on the head and 2 s on workers. */
  int probeTimeoutSeconds(boolean head) {
    if (!version.isAtLeast(KubeRayVersion.V1_5_0)) {
      return 1;
    }
    return head ? 5 : 2;
  }

  /** v1.1.0 records every creation as {@code Created}; later releases use specific reasons. */
  public boolean modernEvents() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.5.0+'s {@code ValidateRayServiceMetadata}: a RayService's name (length, DNS-1035) and its
   * {@code ray.io/initializing-timeout} annotation are checked before its spec.
   */
  public boolean validatesRayServiceMetadata() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.5.0+'s {@code markFailedOnInitializingTimeout}: a RayService Initializing past its {@code
   * ray.io/initializing-timeout} fails for good (Ready False InitializingTimeout).
   */
  public boolean hasRayServiceInitializingTimeout() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.7.0's {@code ray.io/rayservice-finalizer}: added on the first reconcile, removed once the
   * deleted RayService's RayClusters are gone.
   */
  public boolean hasRayServiceFinalizer() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.7.0 ({@code ManagedByExternalController}): a RayService whose {@code spec.managedBy} names
   * another controller is not reconciled.
   */
  public boolean honoursRayServiceManagedBy() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /** v1.7.0's {@code spec.suspend} ({@code handleSuspend}: Suspending, Suspended, resumed). */
  public boolean suspendsRayServices() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  String eventReason(String modern) {
    if (modernEvents()) {
      return modern;
    }
    return modern.startsWith("Created") ? "Created" : "Deleted";
  }

  /** v1.5.0 validates metadata and spec before reconciling (ValidateRayClusterMetadata/Spec). */
  boolean validatesClusters() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.7.0 requires minReplicas/maxReplicas without the autoscaler and checks their bounds and idle
   * timeout.
   */
  boolean validatesReplicaBounds() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /** The RayJobDeletionPolicy feature gate: off by default in v1.5.0, on (beta) from v1.7.0. */
  boolean rayJobDeletionPolicyGate() {
    return options.enabled("RayJobDeletionPolicy");
  }

  /**
   * v1.6.0+ (of the supported releases, v1.7.0): a deletion rule's condition names a jobStatus or a
   * jobDeploymentStatus; v1.5.0's only a jobStatus.
   */
  boolean deletionRulesMatchDeploymentStatus() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.1.0 annotates every pod with ft-enabled and reads only the annotation; v1.5.0+ also
   * gcsFaultToleranceOptions.
   */
  boolean hasGcsFaultToleranceOptions() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.2.0+ counts a RayJob's attempts in {@code status.succeeded}/{@code failed} ({@code
   * checkBackoffLimitAndUpdateStatusIfNeeded}).
   */
  boolean countsRayJobAttempts() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.5.0+ ({@code ManagedByExternalController}): a RayJob whose {@code spec.managedBy} names
   * another controller is not reconciled.
   */
  boolean honoursRayJobManagedBy() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.7.0's {@code deleteClusterResources} leaves a clusterSelector's RayCluster alone when a
   * RayJob is retried; v1.5.0's deletes it.
   */
  boolean keepsSelectedClusterOnRayJobRetry() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.7.0's operator-level job status-check timeout: its {@code JobStatusCheckTimeoutExceeded}
   * failure is not retried ({@code checkBackoffLimitAndUpdateStatusIfNeeded}).
   */
  boolean hasJobStatusCheckTimeout() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.6.0+ (of the supported releases, v1.7.0): a provisioned RayCluster annotated {@code
   * ray.io/disable-provisioned-head-restart: "true"} gets no new head when its head is gone ({@code
   * reconcilePods}, {@code shouldSkipHeadPodRestart}).
   */
  boolean honoursDisableProvisionedHeadRestart() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.5.0+'s Running checks ({@code rayjob_controller.go}): the transition grace period after the
   * Ray job ended, the submitter's end (K8sJobMode's Job condition, SidecarMode's container) with
   * the 30 s it may precede the Ray job's, SidecarMode's head pod and container, a job the
   * dashboard does not know once the submitter finished. v1.1.0 has none of them.
   */
  boolean hasRayJobSubmitterChecks() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.5.0+: {@code RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS} of the operator's
   * environment, else 300 s.
   */
  Duration rayJobTransitionGracePeriod() {
    return RunningChecks.gracePeriod(
        options.env("RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS"));
  }

  /**
   * v1.7.0: {@code RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS} of the operator's environment when
   * positive, else 300 s.
   */
  Duration rayJobStatusCheckTimeout() {
    return RunningChecks.statusCheckTimeout(options.env("RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS"));
  }

  /** v1.7.0's {@code spec.preRunningDeadlineSeconds} ({@code PreRunningDeadlineExceeded}). */
  boolean hasPreRunningDeadline() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.7.0 labels a RayJob's RayCluster {@code ray.io/job-submission-mode} and, in SidecarMode,
   * annotates it {@code ray.io/disable-provisioned-head-restart} ({@code
   * constructRayClusterForRayJob}).
   */
  boolean marksRayJobClusterSubmissionMode() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.4.0+ writes the Ray job's start and end times in {@code status.rayJobInfo} ({@code
   * RayJobStatusInfo}).
   */
  boolean writesRayJobInfo() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** v1.5.0+ creates {@code <rayjob>-head-svc} for a RayJob's own cluster once the job runs. */
  boolean createsRayJobHeadService() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.7.0's {@code getSubmitterTemplate} labels the K8sJobMode submitter pods with the RayJob's
   * {@code ray.io/originated-from-*} and {@code app.kubernetes.io/created-by}; v1.1.0-v1.5.0 only
   * label the Job.
   */
  boolean labelsSubmitterPods() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /** The worker headless service of multi-host groups publishes not-ready addresses from v1.5.0. */
  boolean headlessWorkerServicePublishesNotReady() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** v1.5.0 turns a group's {@code resources} and {@code labels} fields into ray start flags. */
  boolean readsGroupResourcesAndLabels() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * The GCS FT Redis cleanup (finalizer and Job): on unless the operator's {@code
   * ENABLE_GCS_FT_REDIS_CLEANUP} is {@code false} (every release).
   */
  boolean gcsFtRedisCleanup() {
    return options.gcsFtRedisCleanup();
  }

  /** v1.2.0+ trims the Redis cleanup Job's name with {@code TrimJobName}; v1.1.0 uses it as is. */
  boolean trimsRedisCleanupJobName() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * The Redis cleanup script of v1.5.0+: {@code REDIS_USERNAME} passed when set, the password
   * defaulting to the empty string.
   */
  boolean modernRedisCleanupScript() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.5.0+ records a RayClusterNotFound Warning when a RayJob's clusterSelector names a RayCluster
   * that does not exist (v1.1.0-v1.4.x only log it).
   */
  boolean recordsRayClusterNotFound() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /** v1.5.0+ records CreatedRedisCleanupJob and FailedToCreateRedisCleanupJob events. */
  boolean recordsRedisCleanupJobEvents() {
    return version.isAtLeast(KubeRayVersion.V1_5_0);
  }

  /**
   * v1.7.0: GCS FT may use the embedded RocksDB backend (no Redis, no cleanup), a Job's
   * FailureTarget condition counts as failed, the cleanup pod drops the mTLS wait init container,
   * and a finalizer stuck past {@code ray.io/gcs-ft-deletion-timeout} is force-removed.
   */
  boolean hasGcsFtDeletionTimeout() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  boolean dropsTlsWaitFromRedisCleanup() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }

  /**
   * v1.6.0+ (here v1.7.0, the newest bundled): {@code authOptions} token mode, a token Secret per
   * cluster and the token env in every Ray container.
   */
  boolean tokenAuth() {
    return version.isAtLeast(KubeRayVersion.V1_7_0);
  }
}
