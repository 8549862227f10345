package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --no-cluster} as the quick-start's install steps see it, with the real kubectl and helm
 * and no Ray processes: the operator bundle ({@code kubectl create -k}) or chart ({@code helm
 * install kuberay-operator}) starts the emulated operator, {@code helm
 * install/list/upgrade/uninstall} of the ray-cluster chart work with Helm's release Secrets, and
 * removing the operator stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmWithUpIT {

  private static final Duration READY = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static Clients clients;
  private static ReleaseData releases;
  private static Emulator emulator;

  @BeforeAll
  static void up() {
    releases = ReleaseData.require();
    clients = Clients.require("HelmWithUpIT", dir.resolve("kubeconfig"), dir);
    emulator =
        Emulator.start(
            UpOptions.defaults()
                .withKubeconfig(dir.resolve("kubeconfig"))
                .withRay(RayMode.OFF)
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
  @Order(1)
  void theClusterStartsEmpty() {
    assertThat(emulator.cluster()).isEmpty();
    assertThat(ok(clients.kubectl("get", "pods", "-A", "--no-headers")).stdout()).isBlank();
    assertThat(ok(clients.kubectl("get", "deployments", "-A", "--no-headers")).stdout()).isBlank();
    assertThat(clients.kubectl("get", "rayclusters").stderr())
        .contains("the server doesn't have a resource type \"rayclusters\"");
  }

  @Test
  @Order(2)
  void theKustomizeBundleStartsTheOperatorAndHelmManagesTheRayCluster() throws IOException {
    KubeRayVersion v = KubeRayVersion.V1_1_0;
    Path bundle = releases.kustomizeDir(v, dir);
    ok(clients.kubectl(List.of("create", "-k", bundle.toString()), clients.kubectlValidation()));
    ok(
        clients.kubectl(
            "wait",
            "--for=condition=Available",
            "deployment/kuberay-operator",
            "-n",
            "ray-system",
            "--timeout=60s"));
    assertThat(ok(clients.kubectl("get", "pods", "-n", "ray-system", "--no-headers")).stdout())
        .containsPattern("kuberay-operator-\\S+\\s+1/1\\s+Running");

    ok(
        clients.helm(
            List.of("install", "raycluster", releases.rayClusterChart(v).toString()),
            clients.helmValidation()));
    ok(
        clients.kubectl(
            "wait",
            "--for=jsonpath={.status.state}=ready",
            "raycluster/raycluster-kuberay",
            "--timeout=" + READY.toSeconds() + "s"));
    assertThat(ok(clients.helm("list")).stdout())
        .containsPattern("raycluster\\s+default\\s+1\\s+.*deployed\\s+ray-cluster-1.1.0");
    // Helm's release storage: one Secret per revision, labelled as on a real cluster.
    assertThat(
            ok(clients.kubectl(
                    "get",
                    "secrets",
                    "-l",
                    "owner=helm,name=raycluster",
                    "-o",
                    "jsonpath={.items[*].type}"))
                .stdout())
        .isEqualTo("helm.sh/release.v1");

    ok(
        clients.helm(
            List.of(
                "upgrade",
                "raycluster",
                releases.rayClusterChart(v).toString(),
                "--set",
                "worker.replicas=2"),
            clients.helmValidation()));
    assertThat(
            ok(clients.kubectl(
                    "get",
                    "raycluster",
                    "raycluster-kuberay",
                    "-o",
                    "jsonpath={.spec.workerGroupSpecs[0].replicas}"))
                .stdout())
        .isEqualTo("2");
    Awaitility.await(
            "two worker pods of raycluster-kuberay after helm upgrade --set worker.replicas=2")
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        clients
                            .kubectl("get", "pods", "-l", "ray.io/node-type=worker", "--no-headers")
                            .stdout()
                            .lines()
                            .filter(l -> l.contains("Running"))
                            .count())
                    .isEqualTo(2));
    assertThat(ok(clients.helm("history", "raycluster")).stdout())
        .contains("superseded")
        .contains("Upgrade complete");

    ok(clients.helm("uninstall", "raycluster", "--wait", "--timeout=2m"));
    assertThat(ok(clients.kubectl("get", "rayclusters", "--no-headers")).stdout()).isBlank();
    assertThat(ok(clients.helm("list")).stdout()).doesNotContain("raycluster");
    assertThat(ok(clients.kubectl("get", "secrets", "-l", "owner=helm", "--no-headers")).stdout())
        .isBlank();
  }

  @Test
  @Order(3)
  void deletingTheOperatorDeploymentStopsReconciling() throws IOException {
    KubeRayVersion v = KubeRayVersion.V1_1_0;
    ok(
        clients.kubectl(
            "delete",
            "deployment",
            "kuberay-operator",
            "-n",
            "ray-system",
            "--wait",
            "--timeout=60s"));
    Awaitility.await("the operator pod gone after its Deployment was deleted")
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        clients.kubectl("get", "pods", "-n", "ray-system", "--no-headers").stdout())
                    .isBlank());

    ok(
        clients.helm(
            List.of("install", "stopped", releases.rayClusterChart(v).toString()),
            clients.helmValidation()));
    // Nothing reconciles it: no pods, no status, for as long as a running operator needs to make
    // the head pod.
    Awaitility.await("no operator acting on RayCluster stopped-kuberay")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        clients
                            .kubectl(
                                "get",
                                "pods",
                                "-l",
                                "ray.io/cluster=stopped-kuberay",
                                "--no-headers")
                            .stdout())
                    .isBlank());
    assertThat(
            ok(clients.kubectl("get", "raycluster", "stopped-kuberay", "-o", "jsonpath={.status}"))
                .stdout())
        .isBlank();
    ok(clients.helm("uninstall", "stopped"));

    // The rest of the bundle goes with delete -k, namespace first, as kubectl deletes it on a real
    // cluster.
    ok(
        clients.kubectl(
            "delete",
            "-k",
            releases.kustomizeDir(v, dir.resolve("again")).toString(),
            "--ignore-not-found",
            "--wait",
            "--timeout=60s"));
    assertThat(clients.kubectl("get", "namespace", "ray-system").stderr()).contains("not found");
  }

  @Test
  @Order(4)
  void theOperatorChartStartsTheOperatorOfItsRelease() {
    KubeRayVersion v = KubeRayVersion.V1_5_0;
    ok(
        clients.helm(
            List.of("install", "kuberay-operator", releases.operatorChart(v).toString()),
            clients.helmValidation()));
    ok(
        clients.kubectl(
            "wait", "--for=condition=Available", "deployment/kuberay-operator", "--timeout=60s"));
    assertThat(
            ok(clients.kubectl(
                    "get", "pods", "-l", "app.kubernetes.io/name=kuberay-operator", "--no-headers"))
                .stdout())
        .contains("Running");

    ok(
        clients.helm(
            List.of("install", "raycluster", releases.rayClusterChart(v).toString()),
            clients.helmValidation()));
    ok(
        clients.kubectl(
            "wait",
            "--for=jsonpath={.status.state}=ready",
            "raycluster/raycluster-kuberay",
            "--timeout=" + READY.toSeconds() + "s"));
    assertThat(ok(clients.helm("list")).stdout())
        .contains("kuberay-operator")
        .contains("raycluster");

    ok(clients.helm("uninstall", "raycluster", "--wait", "--timeout=2m"));
    ok(clients.helm("uninstall", "kuberay-operator", "--wait", "--timeout=2m"));
    Awaitility.await("the operator pod gone after helm uninstall kuberay-operator")
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(clients.kubectl("get", "pods", "--no-headers").stdout()).isBlank());
  }

  private static Clients.Result ok(Clients.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }
}
