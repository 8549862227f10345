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
