package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobStatusException;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One head + one worker shared by the tests, started like KubeRay's generated {@code ray start}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RayClusterIT {

  private static final Duration READY = Duration.ofSeconds(120);

  private RayRuntime runtime;
  private RayNodeLauncher launcher;
  private RayNode head;
  private RayNode worker;
  private RayJobsClient jobs;
  private Path logs;

  @BeforeAll
  void startCluster() throws Exception {
    runtime = RayRuntime.resolve();
    assumeThat(runtime.isAvailable()).as("%s", runtime).isTrue();
    logs = Files.createTempDirectory("ray-cluster-test");
    launcher = RayNodeLauncher.create(runtime);
    head =
        launcher.launch(
            RayNodeSpec.head("rc-head-test")
                .rayStartParams(
                    Map.of(
                        "num-cpus",
                        "1",
                        "memory",
                        "2000000000",
                        "dashboard-host",
                        "0.0.0.0",
                        "block",
                        "true",
                        "metrics-export-port",
                        "8080",
                        "dashboard-agent-listen-port",
                        "52365",
                        "port",
                        "6379"))
                .logFile(logs.resolve("head.log"))
                .build());
    worker =
        launcher.launch(
            RayNodeSpec.worker("rc-workers-worker-test", head.gcsAddress())
                .rayStartParams(
                    Map.of(
                        "num-cpus",
                        "1",
                        "memory",
                        "1000000000",
                        "block",
                        "true",
                        "metrics-export-port",
                        "8080",
                        "dashboard-agent-listen-port",
                        "52365"))
                .logFile(logs.resolve("worker.log"))
                .build());
    head.awaitReady(READY);
    worker.awaitReady(READY);
    jobs = RayJobsClient.connect(head.dashboardUrl());
  }

  @AfterAll
  void stopCluster() {
    if (worker != null) {
      worker.stop();
    }
    if (head != null) {
      head.stop();
    }
    if (logs != null) {
      RayProvisioner.deleteTree(logs);
    }
  }

  @Test
  void nodesUseLoopbackPortsOfTheirOwn() {
    assertThat(head.ports().gcs()).isNotEqualTo(6379);
    assertThat(head.ports().dashboardAgentHttp())
        .isNotEqualTo(52365)
        .isNotEqualTo(worker.ports().dashboardAgentHttp());
    assertThat(head.ports().metricsExport())
        .isNotEqualTo(8080)
        .isNotEqualTo(worker.ports().metricsExport());
    assertThat(worker.gcsAddress()).isEqualTo(head.gcsAddress()).startsWith("127.0.0.1:");
    assertThat(head.dashboardUrl().toString()).startsWith("http://127.0.0.1:");
    assertThat(head.isReady()).isTrue();
    assertThat(worker.isReady()).isTrue();
  }

  @Test
  void driverSeesBothNodesCpus() {
    ExecResult r = exec("python -c \"import ray; ray.init(); print(ray.cluster_resources())\"");

    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
    assertThat(r.stdout()).contains("'CPU': 2.0");
  }

  @Test
  void submittedJobSucceedsAndItsLogsCanBeReadAndFollowed() {
    String id =
        jobs.submit(
            JobSubmission.entrypoint(
                    "python -c \"import ray; ray.init(); print('resources', ray.cluster_resources())\"")
                .withMetadata(Map.of("owner", "RayClusterIT")));

    List<String> chunks = new CopyOnWriteArrayList<>();
    boolean ended = jobs.followLogs(id, chunks::add, Duration.ofMinutes(2));
    JobDetails done = jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));

    assertThat(ended).isTrue();
    assertThat(String.join("", chunks)).contains("CPU");
    assertThat(jobs.logs(id)).contains("CPU");
    assertThat(done.submissionId()).isEqualTo(id);
    assertThat(done.type()).isEqualTo(JobDetails.JobType.SUBMISSION);
    assertThat(done.metadata()).containsEntry("owner", "RayClusterIT");
    assertThat(done.driverExitCode()).isZero();
    assertThat(done.startTime()).isBefore(done.endTime());
    assertThat(jobs.list()).extracting(JobDetails::submissionId).contains(id);
    assertThat(jobs.delete(id)).isTrue();
  }

  @Test
  void failingJobFailsFastWithRaysMessageAndLogTail() {
    String id =
        jobs.submit(
            JobSubmission.entrypoint(
                "python -c \"import sys; print('boom', file=sys.stderr); sys.exit(1)\""));

    long start = System.nanoTime();
    assertThatThrownBy(() -> jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(
            JobStatusException.class,
            e -> {
              assertThat(e.actual()).isEqualTo(JobStatus.FAILED);
              assertThat(e.expected()).isEqualTo(JobStatus.SUCCEEDED);
            })
        .hasMessageContaining(id)
        .hasMessageContaining("expected to be SUCCEEDED but ended with status FAILED")
        .hasMessageContaining("boom");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
    assertThat(jobs.get(id).status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void longJobCanBeStopped() {
    String id =
        jobs.submit(
            JobSubmission.entrypoint(
                "python -c \"import time; print('sleeping', flush=True); " + "time.sleep(600)\""));
    jobs.awaitStatus(id, JobStatus.RUNNING, Duration.ofMinutes(2));

    assertThat(jobs.stop(id)).isTrue();
    assertThat(jobs.awaitStatus(id, JobStatus.STOPPED, Duration.ofMinutes(1)).status())
        .isEqualTo(JobStatus.STOPPED);
  }

  @Test
  void duplicateSubmissionIdIsRejectedWithRaysText() {
    String id = "dup-" + UUID.randomUUID();
    jobs.submit(JobSubmission.entrypoint("echo first").withSubmissionId(id));

    assertThatThrownBy(
            () -> jobs.submit(JobSubmission.entrypoint("echo second").withSubmissionId(id)))
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> {
              assertThat(e.statusCode()).isIn(400, 500);
              assertThat(e.body()).contains("already exists");
            })
        .hasMessageContaining("already exists");
  }

  @Test
  void unknownJobIs404() {
    assertThatThrownBy(() -> jobs.get("no-such-job"))
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(404));
  }

  @Test
  void versionReportsTheRayVersion() {
    assertThat(jobs.version().rayVersion()).isEqualTo(RayRuntime.RAY_VERSION);
  }

  @Test
  void raysOwnCliSubmitsAgainstTheDashboardUrl() {
    // The CLI joins the words after "--" with spaces, so the Python code needs its own quotes.
    ExecResult r =
        exec("ray job submit --address " + head.dashboardUrl() + " -- python -c \"'print(1)'\"");

    assertThat(r.exitCode()).as("stdout: %s%nstderr: %s", r.stdout(), r.stderr()).isZero();
    assertThat(r.stdout()).contains("succeeded");
  }

  @Test
  void secondHeadIsIsolatedAndStopLeavesNoProcessBehind() throws Exception {
    RayNode other =
        launcher.launch(
            RayNodeSpec.head("rc2-head-test")
                .rayStartParams(Map.of("num-cpus", "1"))
                .logFile(logs.resolve("head2.log"))
                .build());
    List<ProcessHandle> rayProcesses = new ArrayList<>();
    try {
      other.awaitReady(READY);
      RayJobsClient otherJobs = RayJobsClient.connect(other.dashboardUrl());
      String mine = otherJobs.submit(JobSubmission.entrypoint("echo isolated"));
      otherJobs.awaitStatus(mine, JobStatus.SUCCEEDED, Duration.ofMinutes(2));

      assertThat(jobs.list()).extracting(JobDetails::submissionId).doesNotContain(mine);
      assertThat(otherJobs.list()).extracting(JobDetails::submissionId).containsExactly(mine);

      ProcessHandle.of(other.pid())
          .orElseThrow()
          .descendants()
          .filter(p -> p.info().command().orElse("").matches(".*/(raylet|gcs_server)$"))
          .forEach(rayProcesses::add);
      assertThat(rayProcesses).hasSize(2);
    } finally {
      other.stop();
    }
    assertThat(rayProcesses)
        .noneMatch(ProcessTree::running); // a zombie (re-parented, never reaped here) has exited
    assertThat(other.isAlive()).isFalse();
    assertThat(other.tempDir()).doesNotExist();
    assertThat(head.isReady()).as("the first cluster is untouched").isTrue();
  }

  @Test
  void workerFromAStandbyJoinsWithTheSameCommandLineEnvironmentAndLog() throws Exception {
    Map<String, String> podEnv = Map.of("RAY_CLUSTER_NAME", "rc", "RAY_NODE_TYPE_NAME", "workers");
    RayStandby standby = launcher.standby(podEnv);
    RayNodeSpec spec =
        RayNodeSpec.worker("rc-workers-worker-warm", head.gcsAddress())
            .rayStartParams(Map.of("num-cpus", "1", "block", "true"))
            .env(podEnv)
            .logFile(logs.resolve("warm.log"))
            .build();
    RayNode warm = launcher.launch(spec, standby);
    try {
      assertThat(warm.pid())
          .as("ray start runs in the standby's interpreter")
          .isEqualTo(standby.process().pid());
      warm.awaitReady(READY);

      String log = Files.readString(logs.resolve("warm.log"));
      assertThat(log)
          .startsWith("[kuberay-harness] ")
          .contains(" start --address=" + head.gcsAddress() + " --block")
          .contains("Ray runtime started");
      ProcessHandle raylet =
          ProcessHandle.of(warm.pid())
              .orElseThrow()
              .descendants()
              .filter(p -> p.info().command().orElse("").endsWith("/raylet"))
              .findFirst()
              .orElseThrow();
      String environ =
          Files.readString(Path.of("/proc", Long.toString(raylet.pid()), "environ"))
              .replace('\0', '\n');
      assertThat(environ)
          .contains(
              "RAY_CLUSTER_NAME=rc\n",
              "RAY_ADDRESS=" + head.gcsAddress() + "\n",
              NodeRegistry.MARKER_ENV + "=");
      ExecResult r =
          exec("python -c \"import ray; ray.init(); print(int(ray.cluster_resources()['CPU']))\"");
      assertThat(r.stdout().strip()).endsWith("3");
    } finally {
      warm.stop();
    }
    assertThat(warm.isAlive()).isFalse();
    // The other tests see the two nodes of the shared cluster again.
    Awaitility.await("the warm worker gone from the cluster")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                exec("python -c \"import ray; ray.init(); print(ray.cluster_resources())\"")
                    .stdout()
                    .contains("'CPU': 2.0"));
  }

  private ExecResult exec(String script) {
    Map<String, String> env = new HashMap<>(runtime.environment());
    env.put("RAY_ADDRESS", head.gcsAddress());
    return LocalExec.of(List.of("bash", "-c", script))
        .withEnv(env)
        .withTimeout(Duration.ofMinutes(3))
        .run();
  }
}
