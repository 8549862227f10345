package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.emulated.operator.submitter.LightWeightSubmitter;
import io.kuberay.harness.emulated.operator.submitter.RayJobCli;
import io.kuberay.harness.emulated.support.BatchJobs;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.SubmitterContainer;
import io.kuberay.harness.emulated.support.SubmitterExits;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * K8sJobMode's submitter: the batch Job the operator creates, and what its pods' container does —
 * submit the entrypoint to the cluster's dashboard under the RayJob's job id and follow its logs
 * until the Ray job ends. The Job is the node's Job controller's to run (its pods, their retries,
 * its status and events); the node runs each pod without a process and ends its container when the
 * submitter played here says it has ({@link SubmitterExits}). SidecarMode's {@code
 * ray-job-submitter} container in the head pod is played here too ({@link #playSidecar}).
 */
final class SubmitterJobs implements AutoCloseable {

  private static final Duration FOLLOW_LIMIT = Duration.ofHours(24);

  /** How long a kubelet takes to see a container's exit: its PLEG relists every second. */
  private static final Duration PLEG_RELIST = Duration.ofSeconds(1);

  private final RayJobCli cli = new RayJobCli(Clock.systemUTC());

  private final KubernetesClient client;
  private final DashboardLocator dashboards;
  private final OperatorFlavor flavor;

  private final ExecutorService runner =
      Executors.newCachedThreadPool(daemon("kuberay-emulated-submitter"));

  /** The uids of the pods whose submitter (K8sJobMode's pod, SidecarMode's container) runs. */
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  SubmitterJobs(KubernetesClient client, DashboardLocator dashboards, OperatorFlavor flavor) {
    this.client = client;
    this.dashboards = dashboards;
    this.flavor = flavor;
  }

  /**
   * The Ray job the RayJob stands for: entrypoint, runtime env, metadata and entrypoint resources.
   */
  @SuppressWarnings("unchecked")
  static JobSubmission submission(RayJobView job, String jobId) {
    JobSubmission s = JobSubmission.entrypoint(job.entrypoint()).withSubmissionId(jobId);
    Optional<String> runtimeEnv =
        Maps.string(job.spec(), "runtimeEnvYAML").filter(y -> !y.isBlank());
    if (runtimeEnv.isPresent()) {
      s = s.withRuntimeEnv(Json.SERDE.unmarshal(runtimeEnv.get(), Map.class));
    }
    Object metadata = job.spec().get("metadata");
    if (metadata instanceof Map<?, ?> m && !m.isEmpty()) {
      s = s.withMetadata(Maps.stringMap(m));
    }
    Object cpus = job.spec().get("entrypointNumCpus");
    if (cpus instanceof Number n) {
      s = s.withEntrypointNumCpus(n.doubleValue());
    }
    Object gpus = job.spec().get("entrypointNumGpus");
    if (gpus instanceof Number n) {
      s = s.withEntrypointNumGpus(n.doubleValue());
    }
    Optional<String> resources =
        Maps.string(job.spec(), "entrypointResources").filter(r -> !r.isBlank());
    if (resources.isPresent()) {
      s = s.withEntrypointResources(entrypointResources(resources.get()));
    }
    return s;
  }

  /**
   * {@code entrypointResources}, the JSON object KubeRay passes as {@code ray job submit
   * --entrypoint-resources}; one that is not an object of numbers fails the submission, as the real
   * submitter's {@code ray job submit} does.
   */
  private static Map<String, Double> entrypointResources(String json) {
    Object parsed;
    try {
      parsed = Json.SERDE.unmarshal(json, Object.class);
    } catch (RuntimeException e) {
      parsed = null;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    if (parsed instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n)) {
          parsed = null;
          break;
        }
        out.put(String.valueOf(e.getKey()), n.doubleValue());
      }
    }
    if (!(parsed instanceof Map<?, ?>)) {
      throw new RayJobsException(
          "entrypointResources is not a JSON object of resource names to numbers: " + json,
          400,
          json);
    }
    return out;
  }

  Job create(
      RayJobView job,
      String jobId,
      String dashboardUrl,
      String cluster,
      String image,
      TokenAuth auth) {
    Job existing =
        client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get();
    if (existing != null) {
      return existing;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, job.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayJob");
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    String url = "http://" + dashboardUrl;
    String command =
        "if ! ray job status --address "
            + url
            + " "
            + jobId
            + " >/dev/null 2>&1 ; then ray job submit --address "
            + url
            + " --no-wait --submission-id "
            + jobId
            + " -- "
            + job.entrypoint()
            + " ; fi ; ray job logs --address "
            + url
            + " --follow "
            + jobId;
    PodTemplateSpec template = submitterTemplate(job, image, command, dashboardUrl, jobId);
    if (flavor.labelsSubmitterPods()) {
      labelTemplate(template, job);
    }
    // configureSubmitterContainer: the token env after KubeRay's own.
    auth.configureContainer(template.getSpec().getContainers().get(0));
    Job spec =
        new JobBuilder()
            .withNewMetadata()
            .withName(job.name())
            .withNamespace(job.namespace())
            .withLabels(labels)
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("ray.io/v1")
                    .withKind("RayJob")
                    .withName(job.name())
                    .withUid(job.resource().getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(Maps.integer(job.spec(), "submitterConfig", "backoffLimit").orElse(2))
            .withTemplate(template)
            .endSpec()
            .build();
    return client.resource(spec).create();
  }

  /**
   * The submitter container's part in each pod of the submitter Job whose containers the node has
   * started (a container's command runs once it has), once per pod: the Job controller makes a new
   * pod for each failed one while its backoffLimit allows.
   */
  void runStartedPods(RayJobView rayJob, Job job, String jobId, String cluster) {
    List<Pod> pods = BatchJobs.pods(client, job);
    for (Pod pod : pods) {
      if (containerStarted(pod) && started.add(pod.getMetadata().getUid())) {
        try {
          runner.submit(() -> run(pod, rayJob, jobId, cluster));
        } catch (RejectedExecutionException closing) {
          return;
        }
      }
    }
  }

  private static boolean containerStarted(Pod pod) {
    PodStatus s = pod.getStatus();
    return pod.getMetadata().getDeletionTimestamp() == null
        && s != null
        && "Running".equals(s.getPhase())
        && s.getContainerStatuses() != null
        && !s.getContainerStatuses().isEmpty()
        && s.getContainerStatuses().get(0).getState() != null
        && s.getContainerStatuses().get(0).getState().getRunning() != null;
  }

  /**
   * The submitter's pod template ({@code getSubmitterTemplate}): the RayJob's {@code
   * submitterPodTemplate} when written (its first container is the submitter; KubeRay sets the
   * command only when the user gave none), else KubeRay's default container with the head's image;
   * then the env KubeRay appends.
   */
  static PodTemplateSpec submitterTemplate(
      RayJobView job, String headImage, String command, String dashboardUrl, String jobId) {
    PodTemplateSpec template;
    if (job.submitterPodTemplate().isPresent()) {
      template = Json.convert(Json.copy(job.submitterPodTemplate().get()), PodTemplateSpec.class);
    } else {
      template =
          new PodTemplateSpecBuilder()
              .withNewSpec()
              .withRestartPolicy("Never")
              .withContainers(
                  new ContainerBuilder()
                      .withName(SubmitterContainer.NAME)
                      .withImage(headImage)
                      .withNewResources()
                      .addToLimits("cpu", new Quantity("1"))
                      .addToLimits("memory", new Quantity("1Gi"))
                      .addToRequests("cpu", new Quantity("500m"))
                      .addToRequests("memory", new Quantity("200Mi"))
                      .endResources()
                      .build())
              .endSpec()
              .build();
    }
    Container submitter = template.getSpec().getContainers().get(0);
    if (submitter.getCommand() == null || submitter.getCommand().isEmpty()) {
      submitter.setCommand(new ArrayList<>(List.of("/bin/bash", "-ce", "--")));
      submitter.setArgs(new ArrayList<>(List.of(command)));
    }
    List<EnvVar> env =
        submitter.getEnv() == null ? new ArrayList<>() : new ArrayList<>(submitter.getEnv());
    env.add(new EnvVar("PYTHONUNBUFFERED", "1", null));
    env.add(new EnvVar("RAY_DASHBOARD_ADDRESS", dashboardUrl, null));
    env.add(new EnvVar("RAY_JOB_SUBMISSION_ID", jobId, null));
    submitter.setEnv(env);
    return template;
  }

  /**
   * v1.7.0's {@code getSubmitterTemplate}: the submitter pods carry the RayJob's {@code
   * ray.io/originated-from-*} labels and {@code app.kubernetes.io/created-by} (for
   * NetworkPolicies), over what {@code submitterPodTemplate} says.
   */
  static void labelTemplate(PodTemplateSpec template, RayJobView job) {
    if (template.getMetadata() == null) {
      template.setMetadata(new ObjectMeta());
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(Labels.ORIGINATED_FROM_CR_NAME, job.name());
    labels.put(Labels.ORIGINATED_FROM_CRD, "RayJob");
    labels.put("app.kubernetes.io/created-by", "kuberay-operator");
    template.getMetadata().setLabels(labels);
  }

  /** The submitter's command in the pod, to its exit code, which the node then shows. */
  private void run(Pod pod, RayJobView rayJob, String jobId, String cluster) {
    int exitCode = 1;
    try {
      exitCode = submit(pod, rayJob, jobId, cluster);
    } finally {
      SubmitterExits.exited(ObjectKeys.of(pod), exitCode);
    }
  }

  private int submit(Pod pod, RayJobView rayJob, String jobId, String cluster) {
    String namespace = pod.getMetadata().getNamespace();
    Container container = pod.getSpec().getContainers().get(0);
    // What the submitter container prints, for kubectl logs (the pod runs no process of its own).
    String podKey = ObjectKeys.of(pod);
    Consumer<String> out = chunk -> SubmitterLogs.append(podKey, container.getName(), chunk);
    Optional<URI> dashboard = dashboards.dashboard(namespace, cluster);
    if (dashboard.isEmpty()) {
      return 1;
    }
    boolean lightWeight = LightWeightSubmitter.runs(container);
    RayJobsClient jobs = RayJobsClient.connect(dashboard.get());
    Optional<String> token = submitterToken(namespace, container, lightWeight);
    if (token.isPresent()) {
      jobs = jobs.withAuthToken(token.get());
    }
    return lightWeight
        ? runLightWeight(jobs, container, jobId, out)
        : runRayJobCommands(jobs, rayJob, jobId, "http://" + dashboardUrl(pod), out);
  }

  /**
   * The token the submitter container sends: its {@code RAY_AUTH_TOKEN} (a value or a Secret's
   * key), as the light-weight submitter reads it; Ray's CLI sends it only with {@code
   * RAY_AUTH_MODE=token}. A Secret that is gone leaves none: Ray then refuses the submission.
   */
  private Optional<String> submitterToken(
      String namespace, Container container, boolean lightWeight) {
    List<EnvVar> env = container.getEnv() == null ? List.of() : container.getEnv();
    boolean tokenMode =
        env.stream()
            .anyMatch(e -> TokenAuth.MODE_ENV.equals(e.getName()) && "token".equals(e.getValue()));
    if (!lightWeight && !tokenMode) {
      return Optional.empty();
    }
    return env.stream()
        .filter(e -> TokenAuth.TOKEN_ENV.equals(e.getName()))
        .reduce((first, last) -> last)
        .flatMap(e -> TokenAuth.value(client, namespace, e))
        .filter(t -> !t.isEmpty());
  }

  private static String dashboardUrl(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> "RAY_DASHBOARD_ADDRESS".equals(e.getName()))
        .map(EnvVar::getValue)
        .reduce((first, last) -> last)
        .orElse("");
  }

  /**
   * KubeRay's default submitter command: {@code ray job status} (quiet), {@code ray job submit
   * --no-wait} unless the job exists, then {@code ray job logs --follow}; with what each prints.
   */
  private int runRayJobCommands(
      RayJobsClient jobs, RayJobView rayJob, String jobId, String address, Consumer<String> out) {
    try {
      // Inside the try: a spec ray job submit refuses fails the submitter like any submit error.
      JobSubmission submission = submission(rayJob, jobId);
      try {
        jobs.get(submission.submissionId());
      } catch (RayJobsException notYet) {
        out.accept(cli.address(address));
        jobs.submit(submission);
        out.accept(cli.submitted(submission.submissionId()));
      }
      // The real submitter's container prints the job's logs (ray job logs --follow).
      out.accept(cli.address(address));
      jobs.followLogs(submission.submissionId(), out, FOLLOW_LIMIT);
      out.accept(cli.status(submission.submissionId(), jobs.get(submission.submissionId())));
      return 0;
    } catch (RuntimeException e) {
      out.accept(e.getMessage() + "\n");
      return 1;
    }
  }

  /**
   * KubeRay's light-weight submitter ({@code /submitter}, rayjob-submitter/cmd/main.go): submits
   * what its arguments say and tails the job's log, printing what the binary prints; it exits 0
   * once the log ends (whatever became of the job), as the binary does; 2 for a command line pflag
   * refuses.
   */
  private static int runLightWeight(
      RayJobsClient jobs, Container container, String jobId, Consumer<String> out) {
    LightWeightSubmitter.Invocation invocation = LightWeightSubmitter.parse(container, jobId);
    if (invocation.submission().isEmpty()) {
      // pflag prints its error as is (exit 2); main's own errors go through exitOnError.
      out.accept((invocation.exitCode() == 2 ? "" : "ERROR --  ") + invocation.error() + "\n");
      return invocation.exitCode();
    }
    try {
      try {
        jobs.submit(invocation.submission().get());
        out.accept("SUCC -- Job '" + jobId + "' submitted successfully\n");
      } catch (RayJobsException e) {
        if (e.statusCode() == 500
            && String.valueOf(e.body()).contains("Please use a different submission_id")) {
          out.accept("INFO -- Job '" + jobId + "' has already been submitted, tailing logs.\n");
        } else {
          out.accept(
              "ERROR --  SubmitJob fail: " + httpStatus(e.statusCode()) + " " + e.body() + "\n");
          return 1;
        }
      }
      out.accept("INFO -- Tailing logs until the job finishes:\n");
      if (jobs.followLogs(jobId, out, FOLLOW_LIMIT)) {
        out.accept("SUCC -- Job '" + jobId + "' succeeded\n");
      }
      return 0;
    } catch (RuntimeException e) {
      out.accept("ERROR --  " + e.getMessage() + "\n");
      return 1;
    }
  }

  /** Go's {@code resp.Status}. */
  private static String httpStatus(int code) {
    return code
        + switch (code) {
          case 400 -> " Bad Request";
          case 404 -> " Not Found";
          case 500 -> " Internal Server Error";
          case 503 -> " Service Unavailable";
          default -> "";
        };
  }

  /**
   * SidecarMode's {@code ray-job-submitter} container in the head pod, played once per pod whose
   * container runs: its command waits until the dashboard answers ({@code until wget ...
   * /api/gcs_healthz}, every 2 s), then {@code ray job submit} (without {@code --no-wait}) submits
   * the job and follows its log until it ends, printing Ray's CLI lines; it exits 1 if the job
   * FAILED (Ray's CLI) or a request failed, else 0. The node hears the exit ({@link
   * SubmitterExits#sidecarExited}) a second later, when a kubelet's PLEG would have relisted the
   * container, and ends it. A container whose log already says the job was submitted (an emulated
   * operator before this one played it) is followed, not submitted again.
   *
   * @param address the address in the container's command ({@code http://127.0.0.1:<port>})
   */
  void playSidecar(RayJobView rayJob, Pod head, String jobId, String cluster, String address) {
    if (head.getMetadata().getDeletionTimestamp() != null
        || !sidecarRunning(head)
        || !started.add(head.getMetadata().getUid())) {
      return;
    }
    String key = ObjectKeys.of(head);
    boolean resumed =
        SubmitterLogs.of(key, SubmitterContainer.NAME)
            .filter(l -> l.contains("Job '" + jobId + "' submitted successfully"))
            .isPresent();
    try {
      runner.submit(
          () -> {
            int exitCode = sidecar(rayJob, head, jobId, cluster, address, resumed);
            if (exitCode >= 0) {
              // Heard a PLEG relist later; a runner shut down meanwhile hears nothing.
              CompletableFuture.runAsync(
                  () -> SubmitterExits.sidecarExited(key, exitCode),
                  CompletableFuture.delayedExecutor(
                      PLEG_RELIST.toMillis(), TimeUnit.MILLISECONDS, runner));
            }
          });
    } catch (RejectedExecutionException closing) {
      // the emulated operator stops; the next one plays the container
    }
  }

  /** The sidecar's exit code; -1 when it did not end (its pod went, or the operator stopped). */
  private int sidecar(
      RayJobView rayJob, Pod head, String jobId, String cluster, String address, boolean resumed) {
    String namespace = head.getMetadata().getNamespace();
    Consumer<String> out =
        chunk -> SubmitterLogs.append(ObjectKeys.of(head), SubmitterContainer.NAME, chunk);
    Optional<URI> dashboard = awaitDashboard(head, cluster, address, out);
    if (dashboard.isEmpty()) {
      return -1;
    }
    try {
      // The sidecar's `ray job submit` sends the token of its env, the cluster's own.
      RayJobsClient jobs =
          TokenAuth.dashboardJobs(client, flavor, dashboard.get(), namespace, cluster);
      if (!resumed) {
        out.accept(cli.address(address));
        jobs.submit(submission(rayJob, jobId));
        out.accept(cli.submitted(jobId));
        out.accept(cli.tailing());
      }
      jobs.followLogs(jobId, out, FOLLOW_LIMIT);
      if (Thread.currentThread().isInterrupted()) {
        return -1;
      }
      JobDetails details = jobs.get(jobId);
      out.accept(cli.status(jobId, details));
      return details.status() == JobStatus.FAILED ? 1 : 0;
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return -1;
      }
      out.accept(e.getMessage() + "\n");
      return 1;
    }
  }

  private static boolean sidecarRunning(Pod head) {
    return head.getStatus() != null
        && head.getStatus().getContainerStatuses() != null
        && head.getStatus().getContainerStatuses().stream()
            .anyMatch(
                cs ->
                    SubmitterContainer.NAME.equals(cs.getName())
                        && cs.getState() != null
                        && cs.getState().getRunning() != null);
  }

  /** Whether the pod is still the one the container runs in. */
  private boolean podRuns(Pod pod) {
    Pod now =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    return now != null
        && now.getMetadata().getDeletionTimestamp() == null
        && pod.getMetadata().getUid().equals(now.getMetadata().getUid());
  }

  /**
   * The sidecar command's {@code until wget ... /api/gcs_healthz} loop, every 2 s with its line in
   * the log, bounded as the log follow is; empty when the pod went, the operator stopped or the
   * bound passed.
   */
  private Optional<URI> awaitDashboard(
      Pod head, String cluster, String address, Consumer<String> out) {
    String namespace = head.getMetadata().getNamespace();
    AtomicReference<Optional<URI>> found = new AtomicReference<>(Optional.empty());
    try {
      Awaitility.await("dashboard of RayCluster " + namespace + "/" + cluster + " for its sidecar")
          .atMost(FOLLOW_LIMIT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofSeconds(2))
          .pollInSameThread()
          .until(
              () -> {
                found.set(dashboards.dashboard(namespace, cluster));
                if (found.get().isPresent()) {
                  return true;
                }
                if (!podRuns(head)) {
                  throw new PodGone();
                }
                out.accept(
                    "Waiting for Ray Dashboard GCS to become healthy at " + address + " ...\n");
                return false;
              });
      return found.get();
    } catch (RuntimeException goneStoppedOrTooLong) {
      return Optional.empty();
    }
  }

  /** The head pod the sidecar ran in is gone: its container ends without an exit to report. */
  private static final class PodGone extends RuntimeException {
    PodGone() {
      super(null, null, false, false);
    }
  }

  static boolean failed(Job job) {
    return failedCondition(job) != null;
  }

  static JobCondition failedCondition(Job job) {
    return BatchJobs.condition(job, "Failed").orElse(null);
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
