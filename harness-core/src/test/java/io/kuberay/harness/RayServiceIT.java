package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A RayService on the emulated backend (KubeRay v1.5.0) with real Serve: deploy, answer, the
 * objects the operator makes.
 */
class RayServiceIT {

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /**
   * {@code kubectl port-forward svc/greeter-serve-svc <port>:8000}, then the app answers on
   * localhost.
   */
  private static void portForwardTheServeService(Path kubeconfig) {
    Path kubectl = Path.of("/usr/bin/kubectl");
    Assumptions.assumeTrue(
        Files.isExecutable(kubectl) || Files.isExecutable(Path.of("/usr/local/bin/kubectl")),
        "kubectl is not installed (bash tools/install-kubectl.sh): the port-forward check needs it");
    if (!Files.isExecutable(kubectl)) {
      kubectl = Path.of("/usr/local/bin/kubectl");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                kubectl.toString(), "port-forward", "svc/greeter-serve-svc", port + ":8000")
            .redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    Process forward;
    try {
      forward = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      URI local = URI.create("http://127.0.0.1:" + port);
      String body =
          Waits.until(
              "kubectl port-forward svc/greeter-serve-svc " + port + ":8000",
              "GET /greet answering",
              Duration.ofMinutes(1),
              () -> ServeApps.get(local, "/greet").body(),
              b -> true,
              String::valueOf,
              null);
      assertThat(body).isEqualTo("hello, v1");
    } finally {
      forward.destroy();
      try {
        if (!forward.waitFor(10, TimeUnit.SECONDS)) {
          forward.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void deploysTheServeAppAndAnswersThroughTheServeService() {
    long start = System.nanoTime();
    RayServiceHandle service =
        env.rayServices().create(ServeApps.greeter()).awaitRunning(Duration.ofMinutes(8));
    System.out.printf(
        "RayService created -> running: %d ms%n",
        Duration.ofNanos(System.nanoTime() - start).toMillis());

    HttpResponse<String> answer = ServeApps.get(service.serveUrl(), "/greet");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("hello, v1");

    RayServiceStatus status = service.status();
    assertThat(status.serviceStatus()).isEqualTo("Running");
    assertThat(status.condition("Ready")).contains("True");
    assertThat(status.condition("UpgradeInProgress")).contains("False");
    assertThat(status.numServeEndpoints()).isEqualTo(1);
    assertThat(status.activeApplications()).containsEntry("greeter", "RUNNING");
    assertThat(status.activeClusterName()).matches("greeter-[a-z0-9]{5}");

    String cluster = status.activeClusterName();
    assertThat(env.rayClusters().withName(cluster).get().getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "greeter")
        .containsEntry("ray.io/originated-from-crd", "RayService");
    assertThat(env.rayClusters().withName(cluster).get().getMetadata().getAnnotations())
        .containsKeys("ray.io/hash-without-replicas-and-workers-to-delete")
        .containsEntry("ray.io/num-worker-groups", "0");
    assertThat(service.activeCluster().headPod().get().getMetadata().getLabels())
        .containsEntry("ray.io/serve", "true");

    Service serve = service.serveService();
    assertThat(serve.getSpec().getSelector())
        .containsEntry("ray.io/cluster", cluster)
        .containsEntry("ray.io/serve", "true");
    assertThat(serve.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("serve");
              assertThat(p.getPort()).isEqualTo(8000);
            });
    assertThat(serve.getMetadata().getLabels()).containsEntry("ray.io/serve", "greeter-serve");
    Service head =
        env.client().services().inNamespace("default").withName("greeter-head-svc").get();
    assertThat(head.getSpec().getSelector())
        .containsEntry("ray.io/cluster", cluster)
        .containsEntry("ray.io/node-type", "head");

    List<String> reasons = service.events().stream().map(e -> e.getReason()).toList();
    assertThat(reasons)
        .contains(
            "CreatedRayCluster",
            "UpdatedServeApplications",
            "UpdatedHeadPodServeLabel",
            "CreatedService");

    portForwardTheServeService(env.kubeconfig());

    service.delete();
    Waits.until(
        "RayService default/greeter's clusters",
        "deleted with it",
        Duration.ofSeconds(30),
        () -> env.rayClusters().list(),
        List::isEmpty,
        String::valueOf,
        null);
  }
}
