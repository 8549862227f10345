package io.kuberay.harness.existing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.install.InstallOptions;
import io.kuberay.harness.install.Installation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The existing-cluster backend pointed at an emulated cluster's kubeconfig (no Docker needed). */
class ExistingBackendIT {

  private static KubeRayEnvironment emulated;

  @BeforeAll
  static void startEmulated() {
    emulated = KubeRayEnvironment.builder().rayMode(RayMode.OFF).startExactly();
  }

  @AfterAll
  static void stopEmulated() {
    emulated.close();
  }

  private static EnvironmentSettings settings(KubeRayVersion version) {
    return EnvironmentSettings.defaults()
        .withBackend(BackendType.EXISTING)
        .withKuberayVersion(version)
        .withInstallMethod(InstallMethod.KUSTOMIZE)
        .withRayMode(RayMode.OFF)
        .withKubeconfig(Optional.of(emulated.kubeconfig()))
        .withStartupTimeout(Duration.ofSeconds(20));
  }

  private static InstallOptions options() {
    return new InstallOptions(
        Optional.empty(), "default", InstallOptions.Apply.CREATE, false, Duration.ofSeconds(20));
  }

  @Test
  @DisplayName(
      "finds the operator that is already installed and reuses it; closing deletes nothing")
  void reusesSameVersion() {
    try (KubeRayEnvironment env = KubeRayEnvironment.start(settings(KubeRayVersion.V1_1_0))) {
      assertThat(env.operatorNamespace()).isEqualTo("ray-system");
      assertThat(env.backendType()).isEqualTo(BackendType.EXISTING);
    }
    assertThat(
            emulated
                .client()
                .apps()
                .deployments()
                .inNamespace("ray-system")
                .withName("kuberay-operator")
                .get())
        .isNotNull();
    assertThat(emulated.client().namespaces().withName("ray-system").get()).isNotNull();
  }

  @Test
  @DisplayName(
      "refuses to install another version over the installed operator, naming both and the force switch")
  void refusesOtherVersion() {
    try (ExistingBackend backend = ExistingBackend.start(settings(KubeRayVersion.V1_5_0))) {
      assertThatThrownBy(() -> backend.installKubeRay(settings(KubeRayVersion.V1_5_0), options()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "already runs a KubeRay operator: Deployment ray-system/kuberay-operator")
          .hasMessageContaining("version v1.1.0")
          .hasMessageContaining("KubeRay v1.5.0")
          .hasMessageContaining("kuberay.install.force=true");
    }
  }

  @Test
  @DisplayName(
      "with force it installs into the namespace applied to, and on close removes only what it created")
  void forceInstallsAndCleansUpOwnObjectsOnly() {
    KubernetesClient api = emulated.client();
    ScheduledExecutorService kubeControllerStandIn = Executors.newSingleThreadScheduledExecutor();
    // The emulated cluster runs no Deployment controller: mark the new operator Deployment
    // available as one would.
    kubeControllerStandIn.scheduleWithFixedDelay(
        () -> {
          try {
            if (api.apps().deployments().inNamespace("kuberay-b").withName("kuberay-operator").get()
                != null) {
              api.apps()
                  .deployments()
                  .inNamespace("kuberay-b")
                  .withName("kuberay-operator")
                  .editStatus(
                      d -> {
                        d.setStatus(
                            new DeploymentStatusBuilder()
                                .withAvailableReplicas(1)
                                .addNewCondition()
                                .withType("Available")
                                .withStatus("True")
                                .endCondition()
                                .build());
                        return d;
                      });
            }
          } catch (RuntimeException e) {
            // retried
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
    try (ExistingBackend backend = ExistingBackend.start(settings(KubeRayVersion.V1_5_0))) {
      Installation installation =
          backend.installKubeRay(
              settings(KubeRayVersion.V1_5_0),
              options().withForce(true).withNamespace("kuberay-b"));

      assertThat(installation.namespace()).isEqualTo("kuberay-b");
      assertThat(backend.operatorNamespace()).isEqualTo("kuberay-b");
      assertThat(installation.created())
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .contains(
              "Namespace/kuberay-b",
              "Deployment/kuberay-operator",
              "ServiceAccount/kuberay-operator")
          .doesNotContain(
              "CustomResourceDefinition/rayclusters.ray.io", "ClusterRole/kuberay-operator");
    } finally {
      kubeControllerStandIn.shutdownNow();
    }
    assertThat(api.apps().deployments().inNamespace("kuberay-b").withName("kuberay-operator").get())
        .isNull();
    assertThat(
            api.apps().deployments().inNamespace("ray-system").withName("kuberay-operator").get())
        .as("the operator it did not create")
        .isNotNull();
    assertThat(
            api.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("rayclusters.ray.io")
                .get())
        .isNotNull();
  }

  @Test
  @DisplayName(
      "a missing kubeconfig or context fails with the path, the contexts and the properties to set")
  void badKubeconfig() {
    EnvironmentSettings s = settings(KubeRayVersion.V1_1_0);
    EnvironmentSettings missing = s.withKubeconfig(Optional.of(Path.of("/nonexistent/kubeconfig")));
    assertThatThrownBy(() -> ExistingBackend.start(missing))
        .hasMessageContaining("No kubeconfig at /nonexistent/kubeconfig")
        .hasMessageContaining("kuberay.kubeconfig");

    EnvironmentSettings badContext = s.withContext(Optional.of("nope"));
    assertThatThrownBy(() -> ExistingBackend.start(badContext))
        .hasMessageContaining("has no context 'nope'")
        .hasMessageContaining("kuberay.context");
  }
}
