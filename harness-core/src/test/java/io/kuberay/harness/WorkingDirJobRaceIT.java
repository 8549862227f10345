package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ray.process.LocalExec;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's flake: Ray's Python {@code JobSubmissionClient} submits a job with a local {@code
 * working_dir} the moment a fresh cluster's dashboard answers (head pod Running, worker maybe not
 * yet). Each try is a fresh RayCluster; every job must succeed, and a failure reports the job's
 * status message and logs. {@code -Dkuberay.it.workingDirTries=N} (default 3) sets the count.
 */
class WorkingDirJobRaceIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: %s
      spec:
        rayVersion: '2.52.0'
        headGroupSpec:
          rayStartParams:
            dashboard-host: '0.0.0.0'
          template:
            spec:
              containers:
              - name: ray-head
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 2G}
                  requests: {cpu: 500m, memory: 1G}
        workerGroupSpecs:
        - groupName: workers
          replicas: 1
          minReplicas: 1
          maxReplicas: 1
          rayStartParams: {}
          template:
            spec:
              containers:
              - name: ray-worker
                image: rayproject/ray:2.52.0
                resources:
                  limits: {cpu: '1', memory: 1G}
                  requests: {cpu: 500m, memory: 1G}
      """;

  /** Submits with a local working_dir and follows the job to its end, as the user's script did. */
  private static final String SUBMIT =
      """
      import sys, time
      from ray.job_submission import JobSubmissionClient, JobStatus
      t0 = time.time()
      client = JobSubmissionClient(sys.argv[1])
      job = client.submit_job(entrypoint="python main.py", runtime_env={"working_dir": sys.argv[2]})
      print("submitted", job, round(time.time() - t0, 2), flush=True)
      deadline = time.time() + 240
      while time.time() < deadline:
          info = client.get_job_info(job)
          if info.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED):
              break
          time.sleep(0.2)
      print("status", info.status, "after", round(time.time() - t0, 2), "s")
      print("message", info.message)
      print("driver_node", info.driver_node_id)
      print("logs<<", client.get_job_logs(job), ">>")
      """;

  private static final Duration WAIT = Duration.ofMinutes(5);

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @DisplayName(
      "a working_dir job submitted as soon as a fresh cluster's dashboard answers succeeds")
  void workingDirJobOnAFreshCluster(@TempDir Path dir) throws IOException {
    Path workingDir = Files.createDirectories(dir.resolve("project"));
    Files.writeString(workingDir.resolve("helper.py"), "VALUE = 'from-working-dir'\n");
    Files.writeString(
        workingDir.resolve("main.py"), "import helper\nprint('value', helper.VALUE)\n");
    Path script = Files.writeString(dir.resolve("submit.py"), SUBMIT);
    int tries = Integer.getInteger("kuberay.it.workingDirTries", 3);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      RayClusterHandle cluster =
          env.rayClusters().createFromYaml(String.format(CLUSTER, "wd-" + i));
      URI dashboard = awaitDashboard(cluster);
      boolean workerReady =
          !cluster.workerPods().isEmpty() && cluster.workerPods().get(0).isReady();
      ExecResult r =
          LocalExec.of(
                  List.of(
                      RayRuntime.resolve().python().toString(),
                      script.toString(),
                      dashboard.toString(),
                      workingDir.toString()))
              .withTimeout(Duration.ofMinutes(5))
              .run();
      System.out.printf(
          "[working_dir] try %d (worker ready at submit: %s): %s%n",
          i + 1, workerReady, r.stdout().replace('\n', ' '));
      if (!r.stdout().contains("status SUCCEEDED") || !r.stdout().contains("from-working-dir")) {
        failures.add("try " + (i + 1) + ": " + r.stdout() + r.stderr());
      }
      cluster.delete();
    }
    assertThat(failures).as("jobs that did not succeed of " + tries).isEmpty();
  }

  /** The dashboard's Jobs API answering through the head pod: the earliest a user can submit. */
  private static URI awaitDashboard(RayClusterHandle cluster) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    return Waits.until(
        "dashboard of RayCluster default/" + cluster.name(),
        "GET /api/version to answer 200",
        WAIT,
        () -> {
          try {
            URI url = cluster.dashboardUrl();
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(url.resolve("/api/version"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? url : null;
          } catch (IOException | RuntimeException e) {
            return null;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
          }
        },
        url -> url != null,
        url -> "not answering",
        null);
  }
}
