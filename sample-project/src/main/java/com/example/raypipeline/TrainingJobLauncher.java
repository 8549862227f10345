package com.example.raypipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Launches training jobs on KubeRay: each job is a RayJob that brings up its own small RayCluster, runs the
 * entrypoint through a submitter Kubernetes Job ({@code K8sJobMode}) and shuts the cluster down when the job
 * has finished.
 *
 * <pre>{@code
 * TrainingJobLauncher launcher = new TrainingJobLauncher(client, "ml-training");
 * TrainingJobResult result = launcher.launch("nightly", "python train.py", Duration.ofMinutes(30));
 * }</pre>
 */
public class TrainingJobLauncher {

  /** The RayJob custom resource (KubeRay's {@code ray.io/v1} API). */
  public static final ResourceDefinitionContext RAY_JOB = new ResourceDefinitionContext.Builder()
      .withGroup("ray.io").withVersion("v1").withKind("RayJob").withPlural("rayjobs").withNamespaced(true).build();

  /** The RayCluster custom resource. */
  public static final ResourceDefinitionContext RAY_CLUSTER = new ResourceDefinitionContext.Builder()
      .withGroup("ray.io").withVersion("v1").withKind("RayCluster").withPlural("rayclusters").withNamespaced(true).build();

  public static final String RAY_VERSION = "2.52.0";
  public static final String RAY_IMAGE = "rayproject/ray:" + RAY_VERSION;

  private final KubernetesClient client;
  private final String namespace;

  public TrainingJobLauncher(KubernetesClient client, String namespace) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Creates the RayJob {@code name} for {@code entrypoint} and waits up to {@code timeout} for it to finish. */
  public TrainingJobResult launch(String name, String entrypoint, Duration timeout) {
    submit(name, entrypoint);
    return awaitResult(name, timeout);
  }

  /** Creates the RayJob {@code name} for {@code entrypoint} and returns at once. */
  public void submit(String name, String entrypoint) {
    client.genericKubernetesResources(RAY_JOB).inNamespace(namespace).resource(rayJob(name, entrypoint)).create();
  }

  /**
   * Waits until the RayJob {@code name} is {@code Complete} or {@code Failed}.
   *
   * @throws TrainingJobTimeoutException if it is neither after {@code timeout}, saying where it was
   * @throws IllegalStateException if the RayJob does not exist or is deleted meanwhile
   */
  public TrainingJobResult awaitResult(String name, Duration timeout) {
    GenericKubernetesResource finished;
    try {
      finished = client.genericKubernetesResources(RAY_JOB).inNamespace(namespace).withName(name)
          .waitUntilCondition(r -> r == null || isFinished(r), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientTimeoutException e) {
      GenericKubernetesResource last = client.genericKubernetesResources(RAY_JOB).inNamespace(namespace).withName(name).get();
      String where = last == null ? "it no longer exists" : "jobDeploymentStatus=" + quoted(status(last, "jobDeploymentStatus"))
          + ", jobStatus=" + quoted(status(last, "jobStatus")) + ", message=" + quoted(status(last, "message"));
      throw new TrainingJobTimeoutException(
          "Training job " + namespace + "/" + name + " did not finish within " + timeout + ": " + where, e);
    }
    if (finished == null) {
      throw new IllegalStateException("Training job " + namespace + "/" + name + " does not exist (or was deleted while waiting)");
    }
    return new TrainingJobResult(name, status(finished, "jobId"), status(finished, "rayClusterName"),
        status(finished, "jobDeploymentStatus"), status(finished, "jobStatus"), status(finished, "message"));
  }

  /** The RayJob this launcher creates: a 1-CPU/2Gi head, no workers, torn down as soon as the job has finished. */
  GenericKubernetesResource rayJob(String name, String entrypoint) {
    Map<String, Object> head = Map.of(
        "rayStartParams", Map.of("dashboard-host", "0.0.0.0"),
        "template", Map.of("spec", Map.of("containers", List.of(Map.of(
            "name", "ray-head",
            "image", RAY_IMAGE,
            "ports", List.of(
                Map.of("containerPort", 6379, "name", "gcs-server"),
                Map.of("containerPort", 8265, "name", "dashboard"),
                Map.of("containerPort", 10001, "name", "client")),
            "resources", Map.of(
                "requests", Map.of("cpu", "1", "memory", "2Gi"),
                "limits", Map.of("cpu", "1", "memory", "2Gi")))))));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("entrypoint", entrypoint);
    spec.put("submissionMode", "K8sJobMode");
    spec.put("shutdownAfterJobFinishes", true);
    spec.put("ttlSecondsAfterFinished", 0);
    spec.put("rayClusterSpec", Map.of("rayVersion", RAY_VERSION, "headGroupSpec", head));

    GenericKubernetesResource job = new GenericKubernetesResource();
    job.setApiVersion("ray.io/v1");
    job.setKind("RayJob");
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", "ray-pipeline").build());
    job.setAdditionalProperty("spec", spec);
    return job;
  }

  private static boolean isFinished(GenericKubernetesResource job) {
    String deployment = status(job, "jobDeploymentStatus");
    return "Complete".equals(deployment) || "Failed".equals(deployment);
  }

  private static String status(GenericKubernetesResource job, String field) {
    if (job.getAdditionalProperties().get("status") instanceof Map<?, ?> status && status.get(field) != null) {
      return String.valueOf(status.get(field));
    }
    return "";
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }
}
