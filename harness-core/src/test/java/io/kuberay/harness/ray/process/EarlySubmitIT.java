package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Ray: a job submitted the moment a fresh head's dashboard answers, before the head's
 * dashboard agent is up. The agent's start is delayed by 15 s (a {@code sitecustomize} on the
 * node's {@code PYTHONPATH}, a fault for this test only; more than the 10 s Ray's dashboard waits
 * for an agent), so the window that a loaded machine opens by chance is open every time. Ray
 * refuses the job with a 500 and submits nothing; the client says why and what to wait for; once
 * the head passes KubeRay's readiness probe the same job runs. 37 s at a load of about 1.5 on the
 * 2-core machine, 103 s at about 30.
 */
class EarlySubmitIT {

  /** Sleeps before the Ray process whose {@code argv[0]} ends with {@code KRH_SLOW_AGENT}. */
  static final String SLOW_SITECUSTOMIZE =
      """
      import os, sys, time
      _who = os.environ.get("KRH_SLOW_AGENT", "")
      if _who and sys.argv and sys.argv[0].endswith(_who):
          time.sleep(float(os.environ.get("KRH_SLOW_SECONDS", "10")))
      """;

  private static final Duration START = Duration.ofMinutes(3);

  private RayNode head;

  @AfterEach
  void stop() {
    if (head != null) {
      head.stop();
    }
  }

  @Test
  void aJobSubmittedBeforeTheHeadsAgentIsUpIsRefusedAndSaysWhy(@TempDir Path dir)
      throws IOException {
    RayRuntime runtime = RayRuntime.resolve();
    assumeThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("sitecustomize.py"), SLOW_SITECUSTOMIZE);
    head =
        RayNodeLauncher.create(runtime)
            .launch(
                RayNodeSpec.head("early-submit-head")
                    .rayStartParams(Map.of("num-cpus", "1", "dashboard-host", "0.0.0.0"))
                    .env(
                        Map.of(
                            "PYTHONPATH", site.toString(),
                            "KRH_SLOW_AGENT", "dashboard/agent.py",
                            "KRH_SLOW_SECONDS", "15"))
                    .logFile(dir.resolve("head.log"))
                    .build());
    RayJobsClient jobs = RayJobsClient.connect(head.dashboardUrl());
    await("Ray dashboard of " + head + " to answer GET /api/version")
        .atMost(START)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .failFast("ray start exited", () -> !head.isAlive())
        .until(() -> jobs.version() != null);

    // What the user's script sees as "up"; KubeRay's probe (the agent's raylet health) still fails.
    assertThat(head.isReady()).as("head passes KubeRay's readiness probe").isFalse();
    assertThatThrownBy(() -> jobs.submit(JobSubmission.entrypoint("python -c \"print(1)\"")))
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(500))
        .hasMessageContaining("No available agent to submit job")
        .hasMessageContaining("the head is not ready yet")
        .hasMessageContaining("Fix: wait until the head pod is Ready");
    assertThat(jobs.list()).as("jobs after the refusal").isEmpty();

    head.awaitReady(START);
    String id = jobs.submit(JobSubmission.entrypoint("python -c \"print('after ready')\""));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
    assertThat(jobs.logs(id)).contains("after ready");
  }
}
