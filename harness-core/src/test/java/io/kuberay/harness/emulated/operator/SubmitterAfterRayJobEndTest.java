package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.kuberay.harness.emulated.api.EventRecorder;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A K8sJobMode submitter Job may start a pod after its RayJob has ended: here the RayJob fails on
 * its {@code activeDeadlineSeconds} while the Job waits out its 10 s back-off after a failed first
 * pod. In a cluster that pod runs {@code ray job submit} against the cluster and ends, and the Job
 * fails once its {@code backoffLimit} is spent; the emulated operator must still play that pod's
 * command (it used to do so only while the RayJob was Running, and the pod then ran for ever).
 */
class SubmitterAfterRayJobEndTest {

  @TempDir Path dir;

  private SubmitterNode node;
  private RayJobController controller;

  @AfterEach
  void close() {
    if (controller != null) {
      controller.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aSubmitterPodStartedAfterTheRayJobFailedRunsAndTheJobFails() {
    node = new SubmitterNode(dir);
    node.api.create(UpstreamSpecs.openCrd("RayCluster"));
    // No dashboard: each submitter pod's `ray job submit` fails at once (exit 1).
    controller =
        new RayJobController(
                node.client,
                node.api,
                UpstreamSpecs.flavor("v1.5.0"),
                new EventRecorder(node.api, "ray-job-controller"),
                (namespace, cluster) -> Optional.empty())
            .start();
    node.rayJob(
        """
          activeDeadlineSeconds: 3
          submitterConfig: {backoffLimit: 1}
          rayClusterSpec:
            headGroupSpec:
              rayStartParams: {}
              template:
                spec:
                  containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
        """);

    Awaitility.await("RayJob default/rayjob-sample Failed with DeadlineExceeded")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              UpstreamSpecs.readyClusters(node.client);
              Map<String, Object> status = status();
              return "Failed".equals(status.get("jobDeploymentStatus"))
                  && "DeadlineExceeded".equals(status.get("reason"));
            });

    Job job =
        Awaitility.await("submitter Job default/rayjob-sample Failed (BackoffLimitExceeded)")
            .atMost(Duration.ofSeconds(40))
            .until(node::job, j -> failedCondition(j).isPresent());
    assertThat(failedCondition(job).orElseThrow().getReason()).isEqualTo("BackoffLimitExceeded");
    List<Pod> pods = node.pods();
    assertThat(pods).hasSize(2);
    assertThat(pods)
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getContainerStatuses().get(0).getState().getTerminated())
                    .as("container of pod %s", p.getMetadata().getName())
                    .isNotNull());
  }

  private static Optional<JobCondition> failedCondition(Job job) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status() {
    GenericKubernetesResource job =
        node.client
            .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
            .inNamespace("default")
            .withName("rayjob-sample")
            .get();
    Object status = job.getAdditionalProperties().get("status");
    return status == null ? Map.of() : (Map<String, Object>) status;
  }
}
