package com.example.raypipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.junit.KubeRayNamespace;
import io.kuberay.harness.junit.KubeRayTest;
import io.kuberay.harness.model.v1.RayCluster;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TrainingJobLauncher against KubeRay, without a Kubernetes cluster: {@code @KubeRayTest} starts the emulated
 * backend (an in-process API server with the KubeRay operator's behaviour) and runs each Ray pod as a real
 * {@code ray start} process, so entrypoints really run on Ray.
 *
 * <p>No {@code clusters} are declared: every RayJob brings up its own RayCluster. The class gets a fresh
 * namespace, deleted afterwards; the {@link KubernetesClient} belongs to the environment (do not close it).
 */
@KubeRayTest(ray = "required")
@DisplayName("TrainingJobLauncher on KubeRay (emulated backend, real Ray)")
class TrainingJobLauncherTest {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

  private KubernetesClient client;
  private String namespace;
  private TrainingJobLauncher launcher;

  @BeforeEach
  void launcher(KubernetesClient client, @KubeRayNamespace String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.launcher = new TrainingJobLauncher(client, namespace);
  }

  @Test
  @DisplayName("a Ray program runs to completion: Complete / SUCCEEDED, and the job's RayCluster is shut down")
  void jobCompletes() {
    TrainingJobResult result = launcher.launch("cluster-resources",
        "python -c \"import ray; ray.init(); print(ray.cluster_resources())\"", JOB_TIMEOUT);

    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(result.deploymentStatus()).isEqualTo("Complete");
    assertThat(result.jobStatus()).isEqualTo("SUCCEEDED");
    assertThat(result.jobId()).startsWith("cluster-resources-");

    // shutdownAfterJobFinishes with ttlSecondsAfterFinished 0: the operator deletes the cluster right away.
    client.resources(RayCluster.class).inNamespace(namespace).withName(result.rayClusterName())
        .waitUntilCondition(Objects::isNull, 1, TimeUnit.MINUTES);
  }

  @Test
  @DisplayName("a failing entrypoint ends Failed / FAILED, with Ray's explanation in the message")
  void jobFails() {
    TrainingJobResult result = launcher.launch("missing-data",
        "python -c \"import sys; sys.exit('training data not found')\"", JOB_TIMEOUT);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.deploymentStatus()).isEqualTo("Failed");
    assertThat(result.jobStatus()).isEqualTo("FAILED");
    assertThat(result.message()).contains("training data not found");
  }
}
