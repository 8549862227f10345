package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The KubeRay quick-start as a test class, on real Ray: exec in the head pod, then the same command
 * as a job.
 */
@KubeRayTest(
    kuberayVersion = "v1.1.0",
    ray = "required",
    clusters =
        @RayCluster(
            helmRelease = "raycluster",
            // Requests lowered so that head and worker fit a 2-CPU k3s node next to the operator;
            // limits (Ray's CPUs) stay 1.
            helmValues = {"head.resources.requests.cpu=500m", "worker.resources.requests.cpu=500m"},
            readyTimeout = "3m"))
class RealRayTutorialTests {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";

  @Test
  @DisplayName("exec in the head pod prints the resources of head and worker")
  void execInHead(@HeadPod PodHandle head) {
    ExecResult result = head.exec("python", "-c", TUTORIAL);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("'CPU': 2.0");
  }

  @Test
  @DisplayName("the same command as a Ray job succeeds and its logs contain CPU")
  void submitJob(RayJobsClient jobs) {
    String id = jobs.submit(JobSubmission.entrypoint("python -c \"" + TUTORIAL + "\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    assertThat(jobs.logs(id)).contains("CPU");
  }
}
