package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.Waits;
import io.kuberay.harness.install.InstallOptions;
import io.kuberay.harness.install.Installation;
import io.kuberay.harness.install.KubeRayInstaller;
import io.kuberay.harness.install.ManifestSources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KubeRay quick-start on real k3s: install the v1.5.0 operator from release data, install the
 * {@code ray-cluster} chart with the local Ray image, wait until it is ready, run Ray in the head
 * pod and reach the dashboard through a port-forward. Skipped, with the reason, when Docker, the
 * images or the release data are missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sTutorialIT {

  private static final KubeRayVersion VERSION = KubeRayVersion.V1_5_0;
  private static K3sBackend backend;
  private static KubeRayInstaller installer;
  private static Installation installation;
  @TempDir static Path workDir;

  /**
   * Non-daemon threads before the node started: after close, nothing else may keep the JVM alive.
   */
  private static Set<Thread> threadsBefore;

  @BeforeAll
  static void startK3s() {
    threadsBefore = nonDaemonThreads();
    K3sTestConditions.requireDocker("k3s tutorial test");
    Path manifests = K3sTestConditions.manifestsDir(VERSION).orElse(null);
    K3sTestConditions.require(
        manifests != null,
        () ->
            "k3s tutorial test skipped: no KubeRay release data (set kuberay.manifests.dir; CI uses ../shared/kuberay)");
    EnvironmentSettings settings =
        EnvironmentSettings.defaults()
            .withBackend(BackendType.K3S)
            .withKuberayVersion(VERSION)
            .withManifestsDir(Optional.of(manifests))
            .withRayMode(RayMode.OFF)
            .withExternalOverrides();
    K3sTestConditions.requireLocalImages(
        settings, "k3s tutorial test", "build them with images/build-images.sh");
    backend = K3sBackend.start(settings, workDir);
    installation =
        backend.installKubeRay(
            settings,
            InstallOptions.fromSystem(Duration.ofMinutes(3))
                .withOperatorImage(backend.images().operator()));
    installer =
        new KubeRayInstaller(
            backend.client(), backend.kubeconfig(), ManifestSources.directory(manifests));
  }

  @Test
  @Order(100)
  @DisplayName(
      "closing the backend leaves no thread that keeps the JVM alive (port-forward pumps included)")
  void closeLeavesNoThreads() {
    backend.close();
    backend = null;
    Awaitility.await("non-daemon threads started by the k3s backend to end")
        .atMost(Duration.ofSeconds(15))
        .pollInSameThread()
        .untilAsserted(
            () ->
                assertThat(nonDaemonThreads())
                    .as("threads left after close")
                    .allMatch(threadsBefore::contains));
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.isDaemon() && t.isAlive())
        .collect(Collectors.toSet());
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName(
      "the v1.5.0 operator installed from the kustomize bundle runs the side-loaded image in the namespace applied to")
  void operatorIsAvailable() {
    assertThat(installation.namespace()).isEqualTo("default");
    var deployment =
        backend
            .client()
            .apps()
            .deployments()
            .inNamespace("default")
            .withName("kuberay-operator")
            .get();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(backend.images().operator());
    assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
  }

  @Test
  @Order(2)
  @DisplayName(
      "a ray-cluster chart release becomes ready, runs Ray, and serves the dashboard through a port-forward")
  void rayClusterChartRunsRay() throws Exception {
    // Requests lowered so that head and worker fit a 2-CPU machine next to the operator; limits
    // (Ray's CPUs) stay 1.
    installer.installRayClusterChart(
        VERSION,
        "raycluster",
        "default",
        Optional.of(backend.images().ray()),
        Map.of(
            "head.resources.requests.cpu",
            "500m",
            "worker.resources.requests.cpu",
            "500m",
            "head.resources.requests.memory",
            "1G",
            "worker.resources.requests.memory",
            "512M"));
    GenericKubernetesResource cluster =
        Waits.until(
            "RayCluster default/raycluster-kuberay",
            "state ready",
            Duration.ofMinutes(5),
            () ->
                backend
                    .client()
                    .genericKubernetesResources("ray.io/v1", "RayCluster")
                    .inNamespace("default")
                    .withName("raycluster-kuberay")
                    .get(),
            rc -> "ready".equals(state(rc)),
            rc ->
                "state "
                    + state(rc)
                    + ", pods "
                    + backend.client().pods().inNamespace("default").list().getItems().stream()
                        .map(p -> p.getMetadata().getName() + "=" + p.getStatus().getPhase())
                        .toList(),
            null);
    assertThat(state(cluster)).isEqualTo("ready");
    Pod head =
        backend
            .client()
            .pods()
            .inNamespace("default")
            .withLabel("ray.io/cluster", "raycluster-kuberay")
            .withLabel("ray.io/node-type", "head")
            .list()
            .getItems()
            .get(0);

    ExecResult result =
        backend.exec(
            head,
            "ray-head",
            List.of("python", "-c", "import ray; ray.init(); print(ray.cluster_resources())"),
            Duration.ofMinutes(2));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("'CPU': 2.0");

    ExecResult failing =
        backend.exec(
            head, "ray-head", List.of("sh", "-c", "echo oops >&2; exit 3"), Duration.ofSeconds(30));
    assertThat(failing.exitCode()).isEqualTo(3);
    assertThat(failing.stderr()).contains("oops");

    URI dashboard = backend.reach(head, 8265);
    HttpResponse<String> version =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(dashboard.resolve("/api/version"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(version.body()).contains("ray_version");
    assertThat(backend.logs(head, "ray-head")).isNotNull();
  }

  @SuppressWarnings("unchecked")
  private static String state(GenericKubernetesResource rc) {
    Object status = rc.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m
        ? String.valueOf(((Map<String, Object>) m).get("state"))
        : "none";
  }
}
