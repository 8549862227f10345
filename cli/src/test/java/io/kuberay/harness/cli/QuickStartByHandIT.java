package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayImages;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KubeRay quick-start, every step by hand, from an empty {@code up --no-cluster} with real Ray:
 * the v1.1.0 operator bundle ({@code kubectl create -k}), {@code helm install raycluster} of the
 * v1.1.0 ray-cluster chart, the pods ready, {@code kubectl exec} of the tutorial's Python in the
 * head pod, {@code kubectl port-forward} of the head service and {@code ray job submit} through it.
 */
class QuickStartByHandIT {

  private static final String TUTORIAL = "import ray; ray.init(); print(ray.cluster_resources())";

  @TempDir static Path dir;
  private static Clients clients;
  private static ReleaseData releases;
  private static Emulator emulator;

  @BeforeAll
  static void up() {
    releases = ReleaseData.require();
    clients = Clients.require("QuickStartByHandIT", dir.resolve("kubeconfig"), dir);
    RayRuntime ray = RayRuntime.resolve();
    if (!ray.isAvailable()) {
      String reason = "Ray is not available: " + ray.unavailableReason().orElse("unknown reason");
      System.out.println("[QuickStartByHandIT] ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    emulator =
        Emulator.start(
            UpOptions.defaults()
                .withKubeconfig(dir.resolve("kubeconfig"))
                .withRay(RayMode.REQUIRED)
                .withNoCluster(true),
            System.out);
  }

  @AfterAll
  static void down() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void fromAnEmptyClusterToRaySubmittedJob() throws Exception {
    KubeRayVersion v = KubeRayVersion.V1_1_0;
    // kubectl create -k "github.com/ray-project/kuberay/ray-operator/config/default?ref=v1.1.0"
    ok(
        clients.kubectl(
            List.of("create", "-k", releases.kustomizeDir(v, dir).toString()),
            clients.kubectlValidation()));
    ok(
        clients.kubectl(
            "wait",
            "--for=condition=Available",
            "deployment/kuberay-operator",
            "-n",
            "ray-system",
            "--timeout=60s"));
    assertThat(ok(clients.kubectl("get", "pods", "-n", "ray-system")).stdout())
        .containsPattern("kuberay-operator-\\S+\\s+1/1\\s+Running");

    // helm install raycluster kuberay/ray-cluster --version 1.1.0
    ok(
        clients.helm(
            List.of("install", "raycluster", releases.rayClusterChart(v).toString()),
            clients.helmValidation()));
    ok(
        clients.kubectl(
            "wait",
            "--for=jsonpath={.status.state}=ready",
            "raycluster/raycluster-kuberay",
            "--timeout=5m"));
    ok(
        clients.kubectl(
            "wait",
            "--for=condition=Ready",
            "pod",
            "-l",
            "ray.io/cluster=raycluster-kuberay",
            "--timeout=5m"));

    String headPod =
        ok(clients.kubectl(
                "get",
                "pods",
                "--selector=ray.io/node-type=head",
                "-o",
                "custom-columns=POD:metadata.name",
                "--no-headers"))
            .stdout()
            .trim();
    assertThat(headPod).startsWith("raycluster-kuberay-head-");
    Clients.Result exec = ok(clients.kubectl("exec", headPod, "--", "python", "-c", TUTORIAL));
    assertThat(exec.stdout()).contains("CPU");

    int port = freePort();
    int clientPort = freePort();
    try (Clients.Streaming forward =
        clients.stream(
            List.of(
                "port-forward",
                "service/raycluster-kuberay-head-svc",
                port + ":8265",
                clientPort + ":10001"),
            Map.of())) {
      assertThat(forward.awaitLine(l -> l.startsWith("Forwarding from")))
          .as("kubectl port-forward output:\n" + forward.output())
          .isNotNull();
      RayRuntime ray = RayRuntime.resolve();
      Map<String, String> env = new HashMap<>(ray.environment());
      env.put("PATH", ray.binDir() + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
      Clients.Result job =
          clients.run(
              ray.binDir().resolve("ray"),
              List.of(
                  "job",
                  "submit",
                  "--address",
                  "http://localhost:" + port,
                  "--",
                  "python",
                  "-c",
                  TUTORIAL),
              env,
              null);
      assertThat(job.exitCode()).as(job + "\nport-forward:\n" + forward.output()).isZero();
      assertThat(job.stdout() + job.stderr()).contains("succeeded").contains("CPU");

      // Ray Client through the same port-forward, with the Ray the head's image names (the chart's
      // 2.9.0): Ray Client refuses a client of another release, as on a real cluster.
      String headImage =
          ok(clients.kubectl("get", "pod", headPod, "-o", "jsonpath={.spec.containers[0].image}"))
              .stdout()
              .trim();
      RayRuntime headRay = RayRuntime.resolve(RayImages.rayVersion(headImage).orElseThrow());
      Clients.Result client = null;
      for (int attempt = 1; attempt <= RAY_CLIENT_ATTEMPTS; attempt++) {
        client =
            clients.run(
                headRay.python(),
                List.of(
                    "-c",
                    "import ray; ray.init('ray://127.0.0.1:"
                        + clientPort
                        + "'); f = ray.remote(lambda x: x * 2); print('client', ray.get(f.remote(21)),"
                        + " ray.cluster_resources()['CPU'])"),
                headRay.environment(),
                null);
        if (!specificServerDiedInFork(client)) {
          break;
        }
        System.out.println(
            "[QuickStartByHandIT] Ray Client attempt "
                + attempt
                + ": Ray's proxy lost its per-client server at fork (ray-project/ray#63202)");
      }
      assertThat(client.exitCode()).as(client + "\nport-forward:\n" + forward.output()).isZero();
      assertThat(client.stdout()).contains("client 42 2.0");
    }

    ok(clients.helm("uninstall", "raycluster", "--wait", "--timeout=2m"));
    assertThat(ok(clients.kubectl("get", "pods", "--no-headers")).stdout()).isBlank();
  }

  /**
   * Ray's Ray Client proxy forks one server per client while its gRPC threads run; the child
   * sometimes aborts in gRPC's poller before it execs (ray-project/ray#63202, open: about 7% of
   * connections, more on a busy machine: here with Ray 2.9.0, two runs of two under CPU stress). A
   * real cluster fails the same way and a user connects again, so this step does too, for that
   * failure only.
   */
  private static final int RAY_CLIENT_ATTEMPTS = 5;

  private static boolean specificServerDiedInFork(Clients.Result r) {
    // The proxy notices either when the child has exited or while it is a zombie (psutil).
    return r.exitCode() != 0
        && r.stderr().contains("Initialization failure from server")
        && (r.stderr().contains("Starting Ray client server failed")
            || r.stderr().contains("in start_specific_server"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Clients.Result ok(Clients.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }
}
