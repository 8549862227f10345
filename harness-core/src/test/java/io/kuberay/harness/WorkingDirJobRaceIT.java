package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ray.process.LocalExec;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's flake: Ray's Python {@code JobSubmissionClient} submits a job with a local {@code
 * working_dir} the moment a fresh cluster's dashboard answers (head pod Running, not yet Ready;
 * worker maybe not yet). Each try is a fresh RayCluster; the script polls {@code /api/version}
 * every 20 ms and submits at the first answer. Ray refuses a job while the head's agent is not up
 * (500 "No available agent to submit job", nothing submitted: real Ray does the same, {@code
 * EarlySubmitIT}); the script then submits again, as a user would. Every accepted job must succeed,
 * and a failure reports the job's status, {@code message}, {@code error_type} and the head's agent
 * and driver logs. The pods' states when the dashboard first answered are sampled every 100 ms.
 *
 * <p>{@code -Dkuberay.it.workingDirTries=N} (default 3) sets the count; {@code
 * -Dkuberay.it.slowRayAgent=runtime_env/agent/main.py=20} delays the start of that Ray process (the
 * end of its {@code argv[0]}) on both pods by 20 s, through a {@code sitecustomize} on the pods'
 * {@code PYTHONPATH}: a fault for this test only.
 */
class WorkingDirJobRaceIT {

  private static final String CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: %1$s
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
                env: %2$s
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
                env: %2$s
                resources:
                  limits: {cpu: '1', memory: 1G}
                  requests: {cpu: 500m, memory: 1G}
      """;

  /**
   * Polls {@code /api/version} every 20 ms, submits with a local working_dir at the first answer
   * and follows the job to its end, as the user's script did; prints what a failure needs.
   */
  static final String SUBMIT =
      """
      import sys, time, urllib.request
      from ray.job_submission import JobSubmissionClient, JobStatus
      url, working_dir = sys.argv[1], sys.argv[2]
      t0 = time.time()
      while time.time() - t0 < 300:
          try:
              with urllib.request.urlopen(url + "/api/version", timeout=2) as r:
                  if r.status == 200:
                      break
          except Exception:
              pass
          time.sleep(0.02)
      answered = time.time()
      print("answered", round(answered - t0, 2), "s epoch-ms", int(answered * 1000), flush=True)
      client = JobSubmissionClient(url)
      job = None
      while job is None:
          try:
              job = client.submit_job(entrypoint="python main.py", runtime_env={"working_dir": working_dir})
          except Exception as e:
              # Ray's answer while the head's agent is not up (nothing submitted): try again, as a
              # user would; anything else ends the try.
              if "No available agent" not in str(e) or time.time() - answered > 120:
                  print("submit-error", repr(e)[-600:])
                  sys.exit(0)
              print("refused", round(time.time() - answered, 2), "s after the answer:", str(e)[-90:], flush=True)
              time.sleep(0.5)
      submitted = time.time()
      print("submitted", job, "in", round(submitted - answered, 2), "s", flush=True)
      while time.time() - submitted < 240:
          info = client.get_job_info(job)
          if info.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED):
              break
          time.sleep(0.1)
      print("status", info.status, "after", round(time.time() - submitted, 2), "s")
      print("message", info.message)
      print("error_type", info.error_type)
      print("driver_node", info.driver_node_id)
      print("logs<<", client.get_job_logs(job), ">>")
      if info.status != JobStatus.SUCCEEDED:
          from ray.util.state import get_log, list_nodes
          for node in list_nodes(address=url):
              if not node.is_head_node:
                  continue
              for name in ("dashboard_agent.log", "runtime_env_agent.log", "raylet.out",
                           "job-driver-" + job + ".log"):
                  try:
                      lines = list(get_log(address=url, node_id=node.node_id, filename=name, tail=30))
                      print("--- head " + name + ":\\n" + "".join(lines))
                  except Exception as e:
                      print("--- head " + name + ": unavailable (" + str(e) + ")")
      """;

  /** Test-only fault: sleeps before the Ray process whose argv[0] ends with KRH_SLOW_AGENT. */
  static final String SLOW_SITECUSTOMIZE =
      """
      import os, sys, time
      _who = os.environ.get("KRH_SLOW_AGENT", "")
      if _who and sys.argv and sys.argv[0].endswith(_who):
          time.sleep(float(os.environ.get("KRH_SLOW_SECONDS", "10")))
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
    String podEnv = podEnv(dir);
    int tries = Integer.getInteger("kuberay.it.workingDirTries", 3);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      RayClusterHandle cluster =
          env.rayClusters().createFromYaml(String.format(CLUSTER, "wd-" + i, podEnv));
      List<String> states = new CopyOnWriteArrayList<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> states.add(sample(cluster)), 0, 100, TimeUnit.MILLISECONDS);
      ExecResult r;
      try {
        URI dashboard = awaitReachable(cluster);
        r =
            LocalExec.of(
                    List.of(
                        RayRuntime.resolve().python().toString(),
                        script.toString(),
                        dashboard.toString(),
                        workingDir.toString()))
                .withTimeout(Duration.ofMinutes(6))
                .run();
      } finally {
        sampler.shutdownNow();
      }
      String atSubmit = stateAt(states, r.stdout());
      System.out.printf(
          "[working_dir] try %d (pods when the dashboard answered: %s):%n%s%n",
          i + 1, atSubmit, r.stdout());
      if (!r.stdout().contains("status SUCCEEDED") || !r.stdout().contains("from-working-dir")) {
        failures.add(
            "try " + (i + 1) + " (pods at submit: " + atSubmit + "): " + r.stdout() + r.stderr());
      }
      cluster.delete();
    }
    assertThat(failures).as("jobs that did not succeed of " + tries).isEmpty();
  }

  /** The pods' env: the slow-start fault when {@code kuberay.it.slowRayAgent} asks for it. */
  private static String podEnv(Path dir) throws IOException {
    String slow = System.getProperty("kuberay.it.slowRayAgent", "");
    if (slow.isBlank()) {
      return "[]";
    }
    int eq = slow.lastIndexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "kuberay.it.slowRayAgent must be <end of argv[0]>=<seconds>, e.g."
              + " runtime_env/agent/main.py=20; got '"
              + slow
              + "'");
    }
    Path site = Files.createDirectories(dir.resolve("slow-site"));
    Files.writeString(site.resolve("sitecustomize.py"), SLOW_SITECUSTOMIZE);
    return "[{name: PYTHONPATH, value: '%s'}, {name: KRH_SLOW_AGENT, value: '%s'}, {name: KRH_SLOW_SECONDS, value: '%s'}]"
        .formatted(site, slow.substring(0, eq), slow.substring(eq + 1));
  }

  /** {@code epoch-ms head=Running/Ready worker=Pending/NotReady}. */
  private static String sample(RayClusterHandle cluster) {
    try {
      PodHandle head = cluster.headPod();
      List<PodHandle> workers = cluster.workerPods();
      return System.currentTimeMillis()
          + " head="
          + head.phase()
          + "/"
          + (head.isReady() ? "Ready" : "NotReady")
          + " worker="
          + (workers.isEmpty()
              ? "none"
              : workers.get(0).phase() + "/" + (workers.get(0).isReady() ? "Ready" : "NotReady"));
    } catch (RuntimeException e) {
      return System.currentTimeMillis() + " (no pods yet)";
    }
  }

  /** The last sample taken before the script saw the dashboard answer. */
  private static String stateAt(List<String> states, String stdout) {
    Matcher m = Pattern.compile("epoch-ms (\\d+)").matcher(stdout);
    if (!m.find()) {
      return "(the dashboard never answered)";
    }
    long at = Long.parseLong(m.group(1));
    String last = "(no sample)";
    for (String s : states) {
      int sp = s.indexOf(' ');
      if (Long.parseLong(s.substring(0, sp)) > at) {
        break;
      }
      last = s.substring(sp + 1);
    }
    return last;
  }

  /** The head pod's port 8265 as the test JVM reaches it, once the pod exists. */
  private static URI awaitReachable(RayClusterHandle cluster) {
    return Waits.until(
        "head pod of RayCluster default/" + cluster.name(),
        "to exist with a reachable port 8265",
        WAIT,
        cluster::dashboardUrl,
        url -> url != null,
        String::valueOf,
        null);
  }
}
