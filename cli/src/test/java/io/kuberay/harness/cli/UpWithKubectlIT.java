package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./kuberay-harness up} serves, driven with the KubeRay quick-start's own kubectl and
 * ray commands. Needs kubectl (on the PATH or installed by {@code tools/install-kubectl.sh}) and
 * Ray (the harness provisions it); without them the test is aborted and says why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpWithKubectlIT {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  private static final int WORKING_DIR_JOBS_ONE_AT_A_TIME = 3;
  private static final int WORKING_DIR_JOBS_AT_ONCE = 4;
  private static final int WORKING_DIR_BYTES = 3 << 20;

  /**
   * Makes each job its own working_dir (random bytes: every package is new and uploaded), submits
   * them, follows each to its end and prints status, message, driver node and logs of every job;
   * exit 1 unless all succeeded with their bytes intact.
   */
  private static final String WORKING_DIR_JOBS =
      """
      import hashlib, os, sys, threading, time
      from ray.job_submission import JobSubmissionClient, JobStatus

      address, root = sys.argv[1], sys.argv[2]
      one_at_a_time, at_once, size = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
      MAIN = (
          "import hashlib, sys\\n"
          "data = open('data.bin', 'rb').read()\\n"
          "ok = hashlib.sha256(data).hexdigest() == open('data.sha256').read().strip()\\n"
          "print('working_dir bytes', len(data), 'intact' if ok else 'CORRUPT', flush=True)\\n"
          "sys.exit(0 if ok else 3)\\n")
      DONE = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED)
      results = {}

      def working_dir(i):
          d = os.path.join(root, "wd-%d" % i)
          os.makedirs(d)
          data = os.urandom(size)
          with open(os.path.join(d, "data.bin"), "wb") as f:
              f.write(data)
          with open(os.path.join(d, "data.sha256"), "w") as f:
              f.write(hashlib.sha256(data).hexdigest())
          with open(os.path.join(d, "main.py"), "w") as f:
              f.write(MAIN)
          return d

      def job(i):
          t0 = time.time()
          try:
              client = JobSubmissionClient(address)
              job_id = client.submit_job(
                  entrypoint="python main.py", runtime_env={"working_dir": working_dir(i)})
              submitted = time.time() - t0
              deadline = time.time() + 150
              info = client.get_job_info(job_id)
              while info.status not in DONE and time.time() < deadline:
                  time.sleep(0.2)
                  info = client.get_job_info(job_id)
              logs = client.get_job_logs(job_id)
              ok = info.status == JobStatus.SUCCEEDED and "intact" in logs
              results[i] = (ok, "job %d %s: %s, submitted in %.1f s, ended after %.1f s,"
                  " message=%r driver_node=%s logs<<%s>>" % (i, job_id, info.status, submitted,
                  time.time() - t0, info.message, info.driver_node_id, logs.strip()))
          except Exception as e:
              results[i] = (False, "job %d: %r after %.1f s" % (i, e, time.time() - t0))

      for i in range(one_at_a_time):
          job(i)
      threads = [threading.Thread(target=job, args=(one_at_a_time + i,)) for i in range(at_once)]
      for t in threads:
          t.start()
      for t in threads:
          t.join()
      for i in sorted(results):
          print(results[i][1])
      succeeded = sum(1 for ok, _ in results.values() if ok)
      total = one_at_a_time + at_once
      print("SUCCEEDED %d of %d" % (succeeded, total))
      sys.exit(0 if succeeded == total else 1)
      """;

  @TempDir static Path dir;
  private static Path kubectl;
  private static Emulator emulator;
  private static String headPod;

  @BeforeAll
  static void up() {
    Optional<Path> found = findKubectl();
    if (found.isEmpty()) {
      String reason =
          "kubectl is not available (not on the PATH, not in "
              + toolsCache()
              + "); run tools/install-kubectl.sh to enable this test";
      System.out.println("[UpWithKubectlIT] ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    kubectl = found.get();
    RayRuntime ray = RayRuntime.resolve();
    if (!ray.isAvailable()) {
      String reason = "Ray is not available: " + ray.unavailableReason().orElse("unknown reason");
      System.out.println("[UpWithKubectlIT] ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    System.out.println("[UpWithKubectlIT] kubectl: " + kubectl);
    UpOptions options =
        UpOptions.defaults().withKubeconfig(dir.resolve("kubeconfig")).withRay(RayMode.REQUIRED);
    emulator = Emulator.start(options, System.out);
  }

  @AfterAll
  static void down() {
    if (emulator != null) {
      emulator.close();
      assertThat(emulator.kubeconfig()).doesNotExist();
    }
  }

  @Test
  @Order(1)
  void kubeconfigIsPrivate() throws IOException {
    assertThat(Files.getPosixFilePermissions(emulator.kubeconfig()))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
  }

  @Test
  @Order(2)
  void getPodsRayClustersAndServices() {
    assertThat(kubectl("get", "pods", "-n", emulator.environment().operatorNamespace()).stdout())
        .contains("kuberay-operator");
    assertThat(kubectl("get", "rayclusters").stdout()).contains("raycluster-kuberay");
    assertThat(kubectl("get", "svc").stdout()).contains("raycluster-kuberay-head-svc");
    Result head =
        kubectl(
            "get",
            "pods",
            "--selector=ray.io/node-type=head",
            "-o",
            "custom-columns=POD:metadata.name",
            "--no-headers");
    headPod = head.stdout().trim();
    assertThat(headPod).startsWith("raycluster-kuberay-head-").doesNotContain("\n");
  }

  @Test
  @Order(3)
  void execInTheHeadPod() {
    Result exec = kubectl("exec", headPod(), "--", "python", "-c", TUTORIAL);
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    assertThat(exec.stdout()).contains("CPU");

    Result failing =
        kubectl(
            "exec",
            headPod(),
            "--",
            "python",
            "-c",
            "import sys; print('to-out'); print('to-err', file=sys.stderr); sys.exit(3)");
    assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(3);
    assertThat(failing.stdout()).contains("to-out").doesNotContain("to-err");
    assertThat(failing.stderr()).contains("to-err");
  }

  @Test
  @Order(4)
  void logsOfTheHeadPod() {
    Result logs = kubectl("logs", headPod());
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
  }

  @Test
  @Order(5)
  void portForwardTheHeadServiceAndSubmitAJob() throws Exception {
    int port = freePort();
    try (Streaming forward =
        Streaming.start(
            List.of("port-forward", "service/raycluster-kuberay-head-svc", port + ":8265"),
            Map.of())) {
      assertThat(forward.awaitLine(l -> l.startsWith("Forwarding from")))
          .as("kubectl port-forward output:\n" + forward.output())
          .isNotNull();

      RayRuntime ray = RayRuntime.resolve();
      List<String> submit =
          List.of(
              ray.binDir().resolve("ray").toString(),
              "job",
              "submit",
              "--address",
              "http://localhost:" + port,
              "--",
              "python",
              "-c",
              TUTORIAL);
      Map<String, String> env = new HashMap<>(ray.environment());
      env.put("PATH", ray.binDir() + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
      Result job = run(submit, env);
      assertThat(job.exitCode()).as(job + "\nport-forward:\n" + forward.output()).isZero();
      assertThat(job.stdout() + job.stderr()).contains("succeeded").contains("CPU");
    }
  }

  /**
   * kubectl's legacy path: an HTTP upgrade to raw SPDY/3.1 instead of SPDY tunneled in a WebSocket.
   */
  @Test
  @Order(6)
  void portForwardOverRawSpdy() throws Exception {
    int port = freePort();
    try (Streaming forward =
        Streaming.start(
            List.of("port-forward", "pod/" + headPod(), port + ":8265"),
            Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"))) {
      assertThat(forward.awaitLine(l -> l.startsWith("Forwarding from")))
          .as("kubectl port-forward output:\n" + forward.output())
          .isNotNull();
      HttpResponse<String> version =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/version"))
                      .timeout(COMMAND_TIMEOUT)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(version.statusCode())
          .as(version.body() + "\nport-forward:\n" + forward.output())
          .isEqualTo(200);
      assertThat(version.body()).contains("ray_version");
    }
  }

  @Test
  @Order(7)
  void getWatchAndFollowedLogsStream() throws Exception {
    try (Streaming watch =
        Streaming.start(
            List.of("get", "pods", "-w", "--selector=ray.io/node-type=head", "--no-headers"),
            Map.of())) {
      assertThat(watch.awaitLine(l -> l.startsWith(headPod())))
          .as("kubectl get -w output:\n" + watch.output())
          .isNotNull();
    }
    try (Streaming logs = Streaming.start(List.of("logs", "-f", "--tail=1", headPod()), Map.of())) {
      assertThat(logs.awaitLine(l -> !l.isBlank()))
          .as("kubectl logs -f output:\n" + logs.output())
          .isNotNull();
      assertThat(logs.process.isAlive()).as("kubectl logs -f still following").isTrue();
    }
  }

  /**
   * A wrong token gets kube-apiserver's 401 for every verb, streaming included, and changes
   * nothing.
   */
  @Test
  @Order(8)
  void aWrongTokenIsUnauthorizedAndChangesNothing() {
    Result get = kubectl("--token=wrong", "get", "pods");
    assertThat(get.exitCode()).as(get.toString()).isNotZero();
    assertThat(get.stderr()).contains("Unauthorized");
    Result exec = kubectl("--token=wrong", "exec", headPod(), "--", "id", "-un");
    assertThat(exec.exitCode()).as(exec.toString()).isNotZero();
    assertThat(exec.stdout()).doesNotContain("root");
    Result delete = kubectl("--token=wrong", "delete", "pod", headPod(), "--wait=false");
    assertThat(delete.exitCode()).as(delete.toString()).isNotZero();
    assertThat(delete.stderr()).contains("Unauthorized");
    assertThat(kubectl("get", "pod", headPod(), "--no-headers").stdout()).startsWith(headPod());
  }

  /**
   * Issue 14's flake, on the path the user took: Ray's Python {@code JobSubmissionClient} submits
   * jobs with a local {@code working_dir} (a few MiB of random bytes and a {@code main.py} that
   * checks their SHA-256) through {@code kubectl port-forward} of the head pod's 8265, first one at
   * a time, then several at once on the same forward; every job must succeed with its bytes intact.
   */
  @Test
  @Order(9)
  void workingDirJobsThroughAPortForwardAllSucceed() throws Exception {
    int port = freePort();
    try (Streaming forward =
        Streaming.start(List.of("port-forward", "pod/" + headPod(), port + ":8265"), Map.of())) {
      assertThat(forward.awaitLine(l -> l.startsWith("Forwarding from")))
          .as("kubectl port-forward output:\n" + forward.output())
          .isNotNull();
      Result jobs =
          workingDirJobs(port, "steady", WORKING_DIR_JOBS_ONE_AT_A_TIME, WORKING_DIR_JOBS_AT_ONCE);
      int total = WORKING_DIR_JOBS_ONE_AT_A_TIME + WORKING_DIR_JOBS_AT_ONCE;
      assertThat(jobs.exitCode()).as(jobs + "\nport-forward:\n" + forward.output()).isZero();
      assertThat(jobs.stdout()).contains("SUCCEEDED " + total + " of " + total);
    }
  }

  /**
   * Opt-in ({@code -Dkuberay.it.freshForwardTries=N}): the original report's timing. Per try a new
   * RayCluster; the moment its head pod is Running, {@code kubectl port-forward} of its 8265 (again
   * whenever kubectl quits: it does after a connection the pod refused, as against a kubelet), and
   * as soon as the dashboard answers through it, two working_dir jobs at once. Too slow for the
   * suite on a 2-core machine (a Ray cluster start per try).
   */
  @Test
  @Order(10)
  void workingDirJobsThroughAPortForwardToAFreshHead() throws Exception {
    int tries = Integer.getInteger("kuberay.it.freshForwardTries", 0);
    Assumptions.assumeTrue(tries > 0, "opt-in: -Dkuberay.it.freshForwardTries=N");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      String name = "fresh-forward-" + i;
      emulator.environment().rayClusters().createFromYaml(FRESH_CLUSTER.replace("NAME", name));
      long t0 = System.nanoTime();
      String head = awaitRunningHead(name);
      long running = System.nanoTime();
      int port = freePort();
      // kubectl quits after a connection the pod refused (as against a kubelet): start it again.
      Streaming[] forward = {null};
      int[] starts = {0};
      try {
        boolean answering;
        try {
          Awaitility.await("the dashboard of " + head + " answering through a port-forward")
              .atMost(COMMAND_TIMEOUT)
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> {
                    if (forward[0] == null || !forward[0].process.isAlive()) {
                      if (forward[0] != null) {
                        forward[0].close();
                      }
                      forward[0] =
                          Streaming.start(
                              List.of("port-forward", "pod/" + head, port + ":8265"), Map.of());
                      starts[0]++;
                      forward[0].awaitLine(l -> l.startsWith("Forwarding from"));
                    }
                    return answers(port);
                  });
          answering = true;
        } catch (ConditionTimeoutException e) {
          answering = false;
        }
        String states =
            kubectl("get", "pods", "-l", "ray.io/cluster=" + name, "--no-headers").stdout();
        String line =
            String.format(
                "try %d: head Running after %d ms, dashboard %s through the forward %d ms later"
                    + " (kubectl started %d times); pods then:%n%s",
                i + 1,
                TimeUnit.NANOSECONDS.toMillis(running - t0),
                answering ? "answering" : "still not answering",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - running),
                starts[0],
                states);
        System.out.println("[UpWithKubectlIT] " + line);
        if (!answering) {
          failures.add(line + "port-forward:\n" + forward[0].output());
          continue;
        }
        Result jobs = workingDirJobs(port, name, 0, 2);
        if (jobs.exitCode() != 0) {
          failures.add(line + jobs + "\nport-forward:\n" + forward[0].output());
        }
      } finally {
        if (forward[0] != null) {
          forward[0].close();
        }
        kubectl("delete", "raycluster", name, "--wait=false");
      }
    }
    assertThat(failures).as("tries whose jobs did not all succeed, of " + tries).isEmpty();
  }

  private static final String FRESH_CLUSTER =
      """
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: NAME
      spec:
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
      """;

  private static String awaitRunningHead(String cluster) {
    String[] last = {""};
    try {
      Awaitility.await("the head pod of RayCluster " + cluster + " Running")
          .atMost(COMMAND_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                last[0] =
                    kubectl(
                            "get",
                            "pods",
                            "-l",
                            "ray.io/cluster=" + cluster + ",ray.io/node-type=head",
                            "-o",
                            "jsonpath={.items[0].metadata.name} {.items[0].status.phase}")
                        .stdout()
                        .trim();
                return last[0].endsWith(" Running");
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "head pod of RayCluster "
              + cluster
              + " not Running within "
              + COMMAND_TIMEOUT
              + "; last: "
              + last[0],
          e);
    }
    return last[0].substring(0, last[0].indexOf(' '));
  }

  /** Whether the dashboard's /api/version answers 200 through the forward now. */
  private static boolean answers(int port) {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/version"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@link #WORKING_DIR_JOBS} against the forwarded dashboard on this local port. */
  private static Result workingDirJobs(int port, String tag, int oneAtATime, int atOnce)
      throws IOException {
    Path script = dir.resolve("working_dir_jobs.py");
    if (!Files.exists(script)) {
      Files.writeString(script, WORKING_DIR_JOBS);
    }
    Path workingDirs = Files.createDirectories(dir.resolve("working-dirs-" + tag));
    RayRuntime ray = RayRuntime.resolve();
    long t0 = System.nanoTime();
    Result jobs =
        run(
            List.of(
                ray.python().toString(),
                script.toString(),
                "http://127.0.0.1:" + port,
                workingDirs.toString(),
                String.valueOf(oneAtATime),
                String.valueOf(atOnce),
                String.valueOf(WORKING_DIR_BYTES)),
            ray.environment());
    System.out.printf(
        "[UpWithKubectlIT] working_dir jobs (%s) through the port-forward, %d ms:%n%s%n",
        tag, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), jobs.stdout());
    return jobs;
  }

  /**
   * A long-running kubectl (port-forward, get -w, logs -f) whose output lines are watched;
   * destroyed on close.
   */
  private static final class Streaming implements AutoCloseable {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final List<Awaited> waiting = new CopyOnWriteArrayList<>();

    private record Awaited(Predicate<String> matches, CompletableFuture<String> line) {}

    private Streaming(Process process) {
      this.process = process;
    }

    static Streaming start(List<String> args, Map<String, String> env) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(kubectl.toString());
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", emulator.kubeconfig().toString());
      Streaming s = new Streaming(pb.start());
      s.process.getOutputStream().close();
      Thread reader = new Thread(s::read, "kubectl-" + args.get(0) + "-output");
      reader.setDaemon(true);
      reader.start();
      return s;
    }

    private void read() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          for (Awaited a : waiting) {
            if (a.matches().test(line)) {
              a.line().complete(line);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      waiting.forEach(a -> a.line().complete(null));
    }

    /**
     * The first line so far or to come that matches, or null when kubectl ended first; at most two
     * minutes.
     */
    String awaitLine(Predicate<String> matches) throws Exception {
      CompletableFuture<String> line = new CompletableFuture<>();
      waiting.add(new Awaited(matches, line));
      synchronized (output) {
        output.toString().lines().filter(matches).findFirst().ifPresent(line::complete);
      }
      if (!process.isAlive()) {
        line.complete(null);
      }
      return line.get(2, TimeUnit.MINUTES);
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String headPod() {
    if (headPod == null) {
      headPod =
          kubectl(
                  "get",
                  "pods",
                  "--selector=ray.io/node-type=head",
                  "-o",
                  "custom-columns=POD:metadata.name",
                  "--no-headers")
              .stdout()
              .trim();
    }
    return headPod;
  }

  // ---- helpers
  // ---------------------------------------------------------------------------------------

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private static Result kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.addAll(List.of(args));
    Result r = run(command, Map.of());
    System.out.println(
        "[UpWithKubectlIT] kubectl " + String.join(" ", args) + " -> exit " + r.exitCode());
    return r;
  }

  private static Result run(List<String> command, Map<String, String> env) {
    try {
      Path out = Files.createTempFile(dir, "out", ".txt");
      Path err = Files.createTempFile(dir, "err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", emulator.kubeconfig().toString());
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "timed out after "
                + COMMAND_TIMEOUT
                + ": "
                + command
                + "\n"
                + Files.readString(out)
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Path toolsCache() {
    String explicit = System.getenv("KUBERAY_HARNESS_TOOLS");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("kuberay-harness").resolve("tools");
  }

  /** The tools cache first (the pinned 1.33 from tools/install-kubectl.sh), then the PATH. */
  static Optional<Path> findKubectl() {
    Path cached = toolsCache().resolve("bin").resolve("kubectl");
    if (Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "kubectl"))) {
        return Optional.of(Path.of(d, "kubectl"));
      }
    }
    return Optional.empty();
  }
}
