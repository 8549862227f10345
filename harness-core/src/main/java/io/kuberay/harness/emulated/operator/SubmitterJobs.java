package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.operator.submitter.LightWeightSubmitter;
import io.kuberay.harness.emulated.operator.submitter.RayJobCli;
import io.kuberay.harness.emulated.support.ApiStatusMessage;
import io.kuberay.harness.emulated.support.ContainerTermination;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.ObjectKeys;
import io.kuberay.harness.emulated.support.SubmitterLogs;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * K8sJobMode's submitter: the batch Job (and its pod) the operator creates, and what its container
 * does — submit the entrypoint to the cluster's dashboard under the RayJob's job id and follow its
 * logs until the Ray job ends — with the Job and pod statuses a Job controller and kubelet would
 * write.
 */
final class SubmitterJobs implements AutoCloseable {

  private static final Duration FOLLOW_LIMIT = Duration.ofHours(24);

  /** SidecarMode's submitter container in the head pod ({@code getSubmitterContainer}). */
  static final String SIDECAR = "ray-job-submitter";

  private final RayJobCli cli = new RayJobCli(Clock.systemUTC());

  private final KubernetesClient client;
  private final DashboardLocator dashboards;
  private final OperatorFlavor flavor;

  /** kube-controller-manager's Job controller's events (its part is done here). */
  private final EventRecorder jobEvents;

  private final ExecutorService runner =
      Executors.newCachedThreadPool(daemon("kuberay-emulated-submitter"));

  /** Re-syncs of Jobs whose pod the API server refused. */
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(daemon("kuberay-emulated-job-controller"));

  /** kube-controller-manager's {@code DefaultJobApiBackOff} and {@code MaxJobApiBackOff}. */
  private final Duration apiBackOffInitial;

  private final Duration apiBackOffMax;
  private volatile boolean closed;

  SubmitterJobs(
      KubernetesClient client,
      DashboardLocator dashboards,
      EventRecorder jobEvents,
      OperatorFlavor flavor) {
    this(client, dashboards, jobEvents, flavor, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  /** For tests: a shorter API back-off. */
  SubmitterJobs(
      KubernetesClient client,
      DashboardLocator dashboards,
      EventRecorder jobEvents,
      OperatorFlavor flavor,
      Duration apiBackOffInitial,
      Duration apiBackOffMax) {
    this.flavor = flavor;
    this.apiBackOffInitial = apiBackOffInitial;
    this.apiBackOffMax = apiBackOffMax;
    this.jobEvents = jobEvents;
    this.client = client;
    this.dashboards = dashboards;
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
    Job created = client.resource(spec).create();
    createPod(created, job, jobId, cluster, 0);
    return created;
  }

  /**
   * The Job controller's part: the Job's pod, then the submitter's run in it. A pod the API server
   * refuses (e.g. its ServiceAccount does not exist) is the controller's {@code FailedCreate}
   * warning, and the Job is synced again after its API back-off (1 s doubling, at most 1 min), as
   * kube-controller-manager's Job controller requeues it; the RayJob waits meanwhile, as on a
   * cluster. A Job gone or replaced meanwhile is not tried again.
   */
  private void createPod(Job created, RayJobView job, String jobId, String cluster, int failures) {
    if (closed) {
      return;
    }
    if (failures > 0) {
      Job now =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(created.getMetadata().getNamespace())
              .withName(created.getMetadata().getName())
              .get();
      if (now == null
          || !created.getMetadata().getUid().equals(now.getMetadata().getUid())
          || now.getMetadata().getDeletionTimestamp() != null
          || finished(now)) {
        return;
      }
    }
    // The API server labelled the template with the Job's name and uid, which its selector matches
    // (kubectl logs job/<rayjob> finds the pod through it).
    ObjectMeta podTemplate = created.getSpec().getTemplate().getMetadata();
    Pod pod;
    try {
      pod =
          client
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withGenerateName(job.name() + "-")
                      .withNamespace(job.namespace())
                      .withLabels(podTemplate.getLabels())
                      .withAnnotations(podTemplate.getAnnotations())
                      .addToOwnerReferences(
                          new OwnerReferenceBuilder()
                              .withApiVersion("batch/v1")
                              .withKind("Job")
                              .withName(job.name())
                              .withUid(created.getMetadata().getUid())
                              .withController(true)
                              .withBlockOwnerDeletion(true)
                              .build())
                      .endMetadata()
                      .withSpec(Json.copy(created.getSpec().getTemplate().getSpec()))
                      .build())
              .create();
    } catch (KubernetesClientException e) {
      jobEvents.warning(created, "FailedCreate", "Error creating: " + ApiStatusMessage.of(e));
      Duration delay = apiBackOff(failures);
      try {
        retries.schedule(
            () -> createPod(created, job, jobId, cluster, failures + 1),
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // closing: nothing is tried any more
      }
      return;
    }
    editJobStatus(
        created,
        s -> {
          s.setStartTime(now());
          s.setActive(1);
          return s;
        });
    runner.submit(() -> run(created, pod, job, jobId, job.namespace(), cluster));
  }

  /** The Job controller's API back-off before sync number {@code failures + 2}. */
  Duration apiBackOff(int failures) {
    long millis = apiBackOffInitial.toMillis() << Math.min(failures, 20);
    return Duration.ofMillis(Math.min(millis, apiBackOffMax.toMillis()));
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
                      .withName("ray-job-submitter")
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

  private void run(
      Job job, Pod pod, RayJobView rayJob, String jobId, String namespace, String cluster) {
    Container container = pod.getSpec().getContainers().get(0);
    // What the submitter container prints, for kubectl logs (the pod runs no process of its own).
    String podKey = ObjectKeys.of(pod);
    Consumer<String> out = chunk -> SubmitterLogs.append(podKey, container.getName(), chunk);
    Optional<URI> dashboard = dashboards.dashboard(namespace, cluster);
    if (dashboard.isEmpty()) {
      complete(
          job, pod, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      return;
    }
    boolean lightWeight = LightWeightSubmitter.runs(container);
    RayJobsClient jobs = RayJobsClient.connect(dashboard.get());
    Optional<String> token = submitterToken(namespace, container, lightWeight);
    if (token.isPresent()) {
      jobs = jobs.withAuthToken(token.get());
    }
    boolean succeeded =
        lightWeight
            ? runLightWeight(jobs, container, jobId, out)
            : runRayJobCommands(jobs, rayJob, jobId, "http://" + dashboardUrl(pod), out);
    if (succeeded) {
      complete(job, pod, true, null, null);
    } else {
      complete(
          job, pod, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }
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
  private boolean runRayJobCommands(
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
      return true;
    } catch (RuntimeException e) {
      out.accept(e.getMessage() + "\n");
      return false;
    }
  }

  /**
   * KubeRay's light-weight submitter ({@code /submitter}, rayjob-submitter/cmd/main.go): submits
   * what its arguments say and tails the job's log, printing what the binary prints; it exits 0
   * once the log ends (whatever became of the job), as the binary does.
   */
  private static boolean runLightWeight(
      RayJobsClient jobs, Container container, String jobId, Consumer<String> out) {
    LightWeightSubmitter.Invocation invocation = LightWeightSubmitter.parse(container, jobId);
    if (invocation.submission().isEmpty()) {
      // pflag prints its error as is (exit 2); main's own errors go through exitOnError.
      out.accept((invocation.exitCode() == 2 ? "" : "ERROR --  ") + invocation.error() + "\n");
      return false;
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
          return false;
        }
      }
      out.accept("INFO -- Tailing logs until the job finishes:\n");
      if (jobs.followLogs(jobId, out, FOLLOW_LIMIT)) {
        out.accept("SUCC -- Job '" + jobId + "' succeeded\n");
      }
      return true;
    } catch (RuntimeException e) {
      out.accept("ERROR --  " + e.getMessage() + "\n");
      return false;
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
   * SidecarMode: what the {@code ray-job-submitter} container's {@code ray job submit} prints (the
   * operator submitted the job on its behalf): the CLI's lines around the job's log, followed on
   * the runner until the job ends.
   *
   * @param headPod the head pod's {@code namespace/name}
   * @param address the address in the container's command ({@code http://127.0.0.1:<port>})
   */
  void followSidecar(RayJobsClient jobs, String headPod, String jobId, String address) {
    Consumer<String> out = chunk -> SubmitterLogs.append(headPod, SIDECAR, chunk);
    out.accept(cli.address(address));
    out.accept(cli.submitted(jobId));
    out.accept(cli.tailing());
    runner.submit(
        () -> {
          try {
            jobs.followLogs(jobId, out, FOLLOW_LIMIT);
            out.accept(cli.status(jobId, jobs.get(jobId)));
          } catch (RuntimeException e) {
            out.accept(e.getMessage() + "\n");
          }
        });
  }

  private void complete(Job job, Pod pod, boolean succeeded, String reason, String message) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .editStatus(
              p -> {
                terminated(p.getStatus(), succeeded, now());
                return p;
              });
    } catch (KubernetesClientException e) {
      // the pod went away with its RayJob
    }
    editJobStatus(
        job,
        s -> {
          s.setActive(null);
          if (succeeded) {
            s.setSucceeded(1);
            s.setCompletionTime(now());
          } else {
            s.setFailed(1);
          }
          List<JobCondition> conditions = new ArrayList<>();
          conditions.add(
              new JobConditionBuilder()
                  .withType(succeeded ? "Complete" : "Failed")
                  .withStatus("True")
                  .withReason(reason)
                  .withMessage(message)
                  .withLastTransitionTime(now())
                  .withLastProbeTime(now())
                  .build());
          s.setConditions(conditions);
          return s;
        });
  }

  /**
   * The submitter pod's status as the kubelet writes it once its container has exited: phase,
   * container terminated ({@code Completed} or {@code Error}) and not ready, the pod not ready
   * (kubectl: {@code 0/1 Completed}; the phase alone read {@code 1/1 Succeeded}).
   */
  static void terminated(PodStatus s, boolean succeeded, String now) {
    s.setPhase(succeeded ? "Succeeded" : "Failed");
    for (ContainerStatus cs :
        s.getContainerStatuses() == null ? List.<ContainerStatus>of() : s.getContainerStatuses()) {
      ContainerTermination.terminate(cs, succeeded ? 0 : 1, succeeded ? "Completed" : "Error", now);
    }
    for (PodCondition c : s.getConditions() == null ? List.<PodCondition>of() : s.getConditions()) {
      if (List.of("Ready", "ContainersReady", "PodReadyToStartContainers").contains(c.getType())
          && !"False".equals(c.getStatus())) {
        c.setStatus("False");
        c.setLastTransitionTime(now);
        if (!"PodReadyToStartContainers".equals(c.getType())) {
          c.setReason(succeeded ? "PodCompleted" : "PodFailed");
        }
      }
    }
  }

  private void editJobStatus(Job job, UnaryOperator<JobStatus> change) {
    for (int attempt = 1; attempt <= 10; attempt++) {
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName())
            .editStatus(
                j -> {
                  j.setStatus(
                      change.apply(j.getStatus() == null ? new JobStatus() : j.getStatus()));
                  return j;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          return;
        }
      }
    }
  }

  static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  static boolean failed(Job job) {
    return failedCondition(job) != null;
  }

  static JobCondition failedCondition(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .orElse(null);
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
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
