package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The quick-start's two flows on real Ray: exec in the head pod, and a job through the head's
 * dashboard.
 */
class RealRayTutorialIT {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";
  private static KubeRayEnvironment env;
  private static RayClusterHandle cluster;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    cluster =
        env.rayClusters()
            .create(RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0));
    cluster.awaitReady(Duration.ofMinutes(3));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName("exec of the tutorial command in the head pod sees the head's and the worker's CPU")
  void execInHead() {
    ExecResult result = cluster.headPod().exec("python", "-c", TUTORIAL);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("'CPU': 2.0");
    assertThat(cluster.headPod().logs()).isNotEmpty();
  }

  @Test
  @DisplayName(
      "the tutorial command submitted as a Ray job to the dashboard succeeds and logs the resources")
  void jobThroughDashboard() {
    RayJobsClient jobs = RayJobsClient.connect(cluster.dashboardUrl());
    String id = jobs.submit(JobSubmission.entrypoint("python -c \"" + TUTORIAL + "\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    assertThat(jobs.logs(id)).contains("CPU");
  }

  @Test
  @DisplayName("a non-zero exit is a result, not an exception")
  void failingExec() {
    ExecResult result = cluster.headPod().execShell("echo oops >&2; exit 3");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("oops");
  }
}
