package com.example.raypipeline;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kuberay.harness.model.v1.RayJob;
import io.kuberay.harness.model.v1.RayJobSpec;
import io.kuberay.harness.model.v1.RayJobStatus;
import io.kuberay.harness.model.v1.rayjobspec.RayClusterSpec;
import io.kuberay.harness.model.v1.rayjobspec.rayclusterspec.HeadGroupSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Launches training jobs on KubeRay: each job is a RayJob that brings up its own small RayCluster, runs the
 * entrypoint through a submitter Kubernetes Job ({@code K8sJobMode}) and shuts the cluster down when the job
 * has finished. RayJobs are the typed classes of the harness's {@code kuberay-model}.
 *
 * <pre>{@code
 * TrainingJobLauncher launcher = new TrainingJobLauncher(client, "ml-training");
 * TrainingJobResult result = launcher.launch("nightly", "python train.py", Duration.ofMinutes(30));
 * }</pre>
 */
public class TrainingJobLauncher {

  public static final String RAY_VERSION = "2.52.0";
  public static final String RAY_IMAGE = "rayproject/ray:" + RAY_VERSION;

  private final KubernetesClient client;
  private final String namespace;

  public TrainingJobLauncher(KubernetesClient client, String namespace) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** The RayJobs of a client, typed. */
  public static MixedOperation<RayJob, KubernetesResourceList<RayJob>, Resource<RayJob>> rayJobs(KubernetesClient client) {
    return client.resources(RayJob.class);
  }

  /** Creates the RayJob {@code name} for {@code entrypoint} and waits up to {@code timeout} for it to finish. */
  public TrainingJobResult launch(String name, String entrypoint, Duration timeout) {
    submit(name, entrypoint);
    return awaitResult(name, timeout);
  }

  /** Creates the RayJob {@code name} for {@code entrypoint} and returns at once. */
  public void submit(String name, String entrypoint) {
    rayJobs(client).inNamespace(namespace).resource(rayJob(name, entrypoint)).create();
  }

  /**
   * Waits until the RayJob {@code name} is {@code Complete} or {@code Failed}.
   *
   * @throws TrainingJobTimeoutException if it is neither after {@code timeout}, saying where it was
   * @throws IllegalStateException if the RayJob does not exist or is deleted meanwhile
   */
  public TrainingJobResult awaitResult(String name, Duration timeout) {
    RayJob finished;
    try {
      finished = rayJobs(client).inNamespace(namespace).withName(name)
          .waitUntilCondition(r -> r == null || isFinished(r), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientTimeoutException e) {
      RayJob last = rayJobs(client).inNamespace(namespace).withName(name).get();
      String where = last == null ? "it no longer exists" : "jobDeploymentStatus=" + quoted(status(last, RayJobStatus::getJobDeploymentStatus))
          + ", jobStatus=" + quoted(status(last, RayJobStatus::getJobStatus)) + ", message=" + quoted(status(last, RayJobStatus::getMessage));
      throw new TrainingJobTimeoutException(
          "Training job " + namespace + "/" + name + " did not finish within " + timeout + ": " + where, e);
    }
    if (finished == null) {
      throw new IllegalStateException("Training job " + namespace + "/" + name + " does not exist (or was deleted while waiting)");
    }
    return new TrainingJobResult(name, status(finished, RayJobStatus::getJobId), status(finished, RayJobStatus::getRayClusterName),
        status(finished, RayJobStatus::getJobDeploymentStatus), status(finished, RayJobStatus::getJobStatus),
        status(finished, RayJobStatus::getMessage));
  }

  /** The RayJob this launcher creates: a 1-CPU/2Gi head, no workers, torn down as soon as the job has finished. */
  RayJob rayJob(String name, String entrypoint) {
    Map<String, Quantity> resources = Map.of("cpu", new Quantity("1"), "memory", new Quantity("2Gi"));
    HeadGroupSpec head = new HeadGroupSpec();
    head.setRayStartParams(Map.of("dashboard-host", "0.0.0.0"));
    head.setTemplate(new PodTemplateSpecBuilder().withNewSpec().addNewContainer()
        .withName("ray-head")
        .withImage(RAY_IMAGE)
        .withPorts(
            new ContainerPortBuilder().withContainerPort(6379).withName("gcs-server").build(),
            new ContainerPortBuilder().withContainerPort(8265).withName("dashboard").build(),
            new ContainerPortBuilder().withContainerPort(10001).withName("client").build())
        .withNewResources().withRequests(resources).withLimits(resources).endResources()
        .endContainer().endSpec().build());
    RayClusterSpec cluster = new RayClusterSpec();
    cluster.setRayVersion(RAY_VERSION);
    cluster.setHeadGroupSpec(head);

    RayJobSpec spec = new RayJobSpec();
    spec.setEntrypoint(entrypoint);
    spec.setSubmissionMode("K8sJobMode");
    spec.setShutdownAfterJobFinishes(true);
    spec.setTtlSecondsAfterFinished(0);
    spec.setRayClusterSpec(cluster);

    RayJob job = new RayJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", "ray-pipeline").build());
    job.setSpec(spec);
    return job;
  }

  private static boolean isFinished(RayJob job) {
    String deployment = status(job, RayJobStatus::getJobDeploymentStatus);
    return "Complete".equals(deployment) || "Failed".equals(deployment);
  }

  private static String status(RayJob job, Function<RayJobStatus, Object> field) {
    return Optional.ofNullable(job.getStatus()).map(field).map(String::valueOf).orElse("");
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }
}
