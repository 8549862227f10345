package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RayService controller's objects and statuses that need no Ray processes: the cluster it
 * creates, the statuses while the head has no dashboard, and spec validation per release.
 */
class RayServiceWithoutRayIT {

  private static final String SERVICE =
      String.join(
          "\n",
          "apiVersion: ray.io/v1",
          "kind: RayService",
          "metadata: {name: svc, labels: {team: ml}}",
          "spec:",
          "  serveConfigV2: 'applications: []'",
          "  rayClusterConfig:",
          "    headGroupSpec:",
          "      rayStartParams: {}",
          "      template:",
          "        spec:",
          "          containers:",
          "          - name: ray-head",
          "            image: rayproject/ray:2.52.0",
          "            ports: [{containerPort: 8000, name: serve}]",
          "    workerGroupSpecs:",
          "    - groupName: cpu",
          "      replicas: 1",
          "      rayStartParams: {}",
          "      template:",
          "        spec:",
          "          containers:",
          "          - name: ray-worker",
          "            image: rayproject/ray:2.52.0");

  @ParameterizedTest
  @ValueSource(strings = {"v1.1.0", "v1.5.0", "v1.7.0"})
  void createsItsClusterLabelledAnnotatedAndOwned(String version) {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion(version).rayMode(RayMode.OFF).startExactly()) {
      RayServiceHandle service = env.rayServices().createFromYaml(SERVICE);
      assertThat(service.rayService().getMetadata().getName()).isEqualTo("svc");
      assertThat(service.rayService().getSpec().getServeConfigV2()).isEqualTo("applications: []");
      assertThat(service.rayService().getSpec().getRayClusterConfig().getWorkerGroupSpecs())
          .singleElement()
          .satisfies(g -> assertThat(g.getGroupName()).isEqualTo("cpu"));
      RayServiceStatus status =
          Waits.until(
              service.toString(),
              "a pending cluster",
              Duration.ofSeconds(30),
              service::status,
              s -> !s.pendingClusterName().isEmpty() && !service.clusterNames().isEmpty(),
              String::valueOf,
              null);
      String cluster = status.pendingClusterName();
      assertThat(cluster)
          .matches(version.equals("v1.1.0") ? "svc-raycluster-[a-z0-9]{5}" : "svc-[a-z0-9]{5}");
      assertThat(status.activeClusterName()).isEmpty();
      GenericKubernetesResource rc = env.rayClusters().withName(cluster).get();
      assertThat(rc.getMetadata().getLabels())
          .containsEntry("team", "ml")
          .containsEntry("ray.io/originated-from-cr-name", "svc")
          .containsEntry("ray.io/originated-from-crd", "RayService");
      assertThat(rc.getMetadata().getAnnotations())
          .containsEntry("ray.io/num-worker-groups", "1")
          .hasEntrySatisfying(
              "ray.io/hash-without-replicas-and-workers-to-delete",
              h -> assertThat(h).matches("[A-Z2-7]{32}"));
      assertThat(rc.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("RayService");
                assertThat(o.getName()).isEqualTo("svc");
              });
      env.rayClusters().withName(cluster).awaitReady(Duration.ofSeconds(30));
      // Without a dashboard nothing is submitted: the service is not running and has no serve
      // service yet.
      RayServiceStatus waiting =
          Waits.until(
              service.toString(),
              "the release's waiting status",
              Duration.ofSeconds(30),
              service::status,
              s ->
                  version.equals("v1.1.0")
                      ? "WaitForServeDeploymentReady".equals(s.serviceStatus())
                      : s.raw().containsKey("conditions") && !s.raw().containsKey("serviceStatus"),
              String::valueOf,
              null);
      assertThat(waiting.numServeEndpoints()).isZero();
      if (version.equals("v1.1.0")) {
        assertThat(waiting.condition("Ready")).isEmpty();
        assertThat(service.events())
            .extracting(e -> e.getReason())
            .contains("ServiceNotReady")
            .doesNotContain("CreatedRayCluster");
      } else {
        assertThat(waiting.condition("Ready")).contains("False");
        assertThat(waiting.raw().get("conditions").toString()).contains("reason=Initializing");
        assertThat(service.events()).extracting(e -> e.getReason()).contains("CreatedRayCluster");
      }
      assertThat(env.client().services().inNamespace("default").withName("svc-serve-svc").get())
          .isNull();

      // v1.7.0 holds a RayService with its finalizer until its clusters are gone.
      assertThat(service.get().getMetadata().getFinalizers())
          .isEqualTo(version.equals("v1.7.0") ? List.of("ray.io/rayservice-finalizer") : List.of());

      service.delete();
      Waits.until(
          "RayService default/svc's cluster",
          "deleted with it",
          Duration.ofSeconds(30),
          () -> env.rayClusters().list(),
          List::isEmpty,
          String::valueOf,
          null);
      Waits.until(
          service.toString(),
          "gone",
          Duration.ofSeconds(30),
          () -> env.rayServices().list().stream().map(RayServiceHandle::name).toList(),
          List::isEmpty,
          l -> "still there: " + l,
          null);
    }
  }

  /**
   * v1.5.0+'s {@code ray.io/initializing-timeout}: a RayService that cannot get ready (no
   * dashboard) fails for good after it, and awaitRunning says so with the operator's words at once;
   * its cluster is deleted after the deletion delay.
   */
  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void initializingTimeoutEndsTheWaitWithTheOperatorsWords(String version) {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion(version).rayMode(RayMode.OFF).startExactly()) {
      RayServiceHandle service =
          env.rayServices()
              .createFromYaml(
                  SERVICE
                      .replace(
                          "metadata: {name: svc, labels: {team: ml}}",
                          "metadata: {name: svc, annotations: {ray.io/initializing-timeout: 2s}}")
                      .replace(
                          "  serveConfigV2:",
                          "  rayClusterDeletionDelaySeconds: 0\n  serveConfigV2:"));

      assertThatThrownBy(() -> service.awaitRunning(Duration.ofSeconds(60)))
          .hasMessageContaining("cannot happen any more")
          .hasMessageContaining(
              "RayServiceInitializingTimeout: RayService initializing timeout exceeded after ")
          .hasMessageContaining("(configured timeout: 2s)");
      RayServiceStatus failed = service.status();
      assertThat(failed.condition("Ready")).contains("False");
      assertThat(failed.raw().get("conditions").toString())
          .contains("reason=InitializingTimeout")
          .contains("RayService failed to become ready within the configured timeout of 2s.");
      assertThat(failed.pendingClusterName()).isEmpty();
      Waits.until(
          service.toString(),
          "its cluster deleted",
          Duration.ofSeconds(30),
          service::clusterNames,
          List::isEmpty,
          String::valueOf,
          null);
    }
  }

  @Test
  void v150ReportsAnInvalidSpecAndCreatesNothing() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.OFF).startExactly()) {
      RayServiceHandle service =
          env.rayServices()
              .createFromYaml(
                  SERVICE.replace(
                      "      rayStartParams: {}\n      template:\n        spec:\n          containers:\n          - name: ray-head",
                      "      rayStartParams: {}\n      headService: {metadata: {name: custom}}\n      template:\n        spec:\n          containers:\n          - name: ray-head"));
      assertThatThrownBy(() -> service.awaitRunning(Duration.ofSeconds(30)))
          .hasMessageContaining("cannot happen any more")
          .hasMessageContaining(
              "InvalidRayServiceSpec: The RayService spec is invalid default/svc: spec.rayClusterConfig.headGroupSpec.headService.metadata.name should not be set");
      assertThat(service.clusterNames()).isEmpty();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void v170FailsAnInvalidSpecWithReadyFalseValidationFailed() {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().kuberayVersion("v1.7.0").rayMode(RayMode.OFF).startExactly()) {
      RayServiceHandle service =
          env.rayServices()
              .createFromYaml(
                  SERVICE.replace(
                      "  serveConfigV2:", "  upgradeStrategy: {type: Sideways}\n  serveConfigV2:"));
      RayServiceStatus status =
          Waits.until(
              service.toString(),
              "Ready False",
              Duration.ofSeconds(30),
              service::status,
              s -> s.condition("Ready").isPresent(),
              String::valueOf,
              null);
      Map<String, Object> ready =
          ((List<Map<String, Object>>) status.raw().get("conditions")).get(0);
      assertThat(ready)
          .containsEntry("type", "Ready")
          .containsEntry("status", "False")
          .containsEntry("reason", "ValidationFailed")
          .containsEntry(
              "message",
              "The RayService spec is invalid: Spec.UpgradeStrategy.Type value Sideways is invalid, valid options are NewClusterWithIncrementalUpgrade, NewCluster, or None");
      assertThat(service.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getReason()).isEqualTo("InvalidRayServiceSpec");
                assertThat(e.getMessage())
                    .startsWith(
                        "default/svc: The RayService spec is invalid: Spec.UpgradeStrategy.Type value Sideways is invalid");
              });

      RayServiceHandle k8sAuth =
          env.rayServices()
              .createFromYaml(
                  SERVICE
                      .replace("name: svc", "name: svc-k8s-auth")
                      .replace(
                          "    headGroupSpec:",
                          "    rayVersion: '2.55.0'\n"
                              + "    authOptions: {mode: token, enableK8sTokenAuth: true}\n"
                              + "    headGroupSpec:"));
      Waits.until(
          k8sAuth.toString(),
          "Ready False with KubeRay's message",
          Duration.ofSeconds(30),
          k8sAuth::status,
          s ->
              String.valueOf(s.raw().get("conditions"))
                  .contains(
                      "The RayService spec is invalid: K8s token auth mode is currently not supported for RayService"),
          String::valueOf,
          null);
    }
  }
}
