package io.kuberay.harness.junit.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.junit.HeadPod;
import io.kuberay.harness.junit.KubeRayTest;
import io.kuberay.harness.junit.RayCluster;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// The README's @KubeRayTest example, compiled and run as it stands there: edit both together
// (ReadmeCodeTest fails when the region between the markers and README.md's java block differ).
// mirrors README.md: begin
@KubeRayTest(kuberayVersion = "v1.1.0", clusters = @RayCluster(helmRelease = "raycluster"))
class TutorialTest {

  @Test
  void headSeesTheWholeCluster(@HeadPod PodHandle head, RayClusterHandle cluster) {
    assertThat(cluster.name()).isEqualTo("raycluster-kuberay");
    ExecResult r =
        head.exec("python", "-c", "import ray; ray.init(); print(ray.cluster_resources())");
    assertThat(r.stdout()).contains("'CPU': 2.0");
  }

  @Test
  void jobsRunOnTheDashboard(RayJobsClient jobs) {
    String id = jobs.submit(JobSubmission.entrypoint("python -c \"print('hello')\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    assertThat(jobs.logs(id)).contains("hello");
  }
}
// mirrors README.md: end
