package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.install.Installation;
import io.kuberay.harness.settings.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * {@code kuberay.k3s.reuse=true}: a second start of the same configuration finds the container the
 * first one kept, keeps its operator, and has removed the first run's namespaces. The container is
 * removed at the end.
 */
class K3sReuseIT {

  private static final KubeRayVersion VERSION = KubeRayVersion.V1_1_0;
  private static String previous;
  private static String containerId;

  @TempDir static Path workDir;

  @BeforeAll
  static void reuseOn() {
    previous = System.setProperty(Setting.K3S_REUSE.key(), "true");
  }

  @AfterAll
  static void removeKeptContainer() {
    if (previous == null) {
      System.clearProperty(Setting.K3S_REUSE.key());
    } else {
      System.setProperty(Setting.K3S_REUSE.key(), previous);
    }
    if (containerId != null) {
      DockerClientFactory.instance()
          .client()
          .removeContainerCmd(containerId)
          .withForce(true)
          .withRemoveVolumes(true)
          .exec();
    }
  }

  @Test
  @DisplayName(
      "the second start reuses the kept container: same container and operator pod, the first run's namespaces gone")
  void secondStartReusesTheFirst() throws Exception {
    K3sTestConditions.requireDocker("k3s reuse test");
    Path manifests = K3sTestConditions.manifestsDir(VERSION).orElse(null);
    K3sTestConditions.require(
        manifests != null,
        () -> "k3s reuse test skipped: no KubeRay release data (set kuberay.manifests.dir)");
    EnvironmentSettings settings =
        EnvironmentSettings.defaults()
            .withBackend(BackendType.K3S)
            .withKuberayVersion(VERSION)
            // A configuration no other class of this module keeps: it runs beside them (two forks)
            // and removes its container at the end.
            .withInstallMethod(InstallMethod.HELM)
            .withManifestsDir(Optional.of(manifests))
            .withRayMode(RayMode.OFF)
            .withStartupTimeout(Duration.ofMinutes(5));
    String mine = "reuse-it-" + UUID.randomUUID().toString().substring(0, 8);
    String leftover = mine + "-killed";

    String operatorPod;
    try (K3sBackend first =
        K3sBackend.start(settings, Files.createDirectory(workDir.resolve("first")))) {
      containerId = first.containerId();
      first.installKubeRay(settings);
      operatorPod = operatorPodUid(first);
      first
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(mine).endMetadata().build())
          .create();
    }
    assertThat(
            DockerClientFactory.instance()
                .client()
                .inspectContainerCmd(containerId)
                .exec()
                .getState()
                .getRunning())
        .as("the kept container runs on after close")
        .isTrue();
    // What a JVM killed before its close leaves behind: a namespace nobody deleted.
    var created =
        DockerClientFactory.instance()
            .client()
            .execCreateCmd(containerId)
            .withCmd("kubectl", "create", "namespace", leftover)
            .exec();
    DockerClientFactory.instance().client().execStartCmd(created.getId()).start().awaitCompletion();

    try (K3sBackend second =
        K3sBackend.start(settings, Files.createDirectory(workDir.resolve("second")))) {
      second.installKubeRay(settings);
      Installation installation = second.installation().orElseThrow();

      assertThat(second.reused()).isTrue();
      assertThat(second.foundThroughDockerApi())
          .as("found by the quick lookup, without Testcontainers' client")
          .isTrue();
      assertThat(second.containerId()).isEqualTo(containerId);
      assertThat(installation.reused()).as("the operator is kept, not installed again").isTrue();
      assertThat(operatorPodUid(second)).isEqualTo(operatorPod);
      assertThat(second.client().namespaces().withName(mine).get())
          .as("the first run's namespace")
          .isNull();
      assertThat(second.client().namespaces().withName(leftover).get())
          .as("a killed run's namespace")
          .isNull();
      assertThat(second.client().namespaces().withName(installation.namespace()).get()).isNotNull();

      // A run that starts while this one uses the container keeps this run's namespace, at its
      // start and at its close.
      String inUse = mine + "-in-use";
      second
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(inUse).endMetadata().build())
          .create();
      try (K3sBackend third =
          K3sBackend.start(settings, Files.createDirectory(workDir.resolve("third")))) {
        third.installKubeRay(settings);
        assertThat(third.containerId()).isEqualTo(containerId);
        assertThat(third.client().namespaces().withName(inUse).get())
            .as("the namespace of the run that uses the container")
            .isNotNull();
      }
      assertThat(second.client().namespaces().withName(inUse).get())
          .as("still there after the concurrent run closed")
          .isNotNull();
    }
  }

  private static String operatorPodUid(K3sBackend backend) {
    return backend
        .client()
        .pods()
        .inNamespace(backend.operatorNamespace())
        .withLabel("app.kubernetes.io/component", "kuberay-operator")
        .list()
        .getItems()
        .stream()
        .map(Pod::getMetadata)
        .map(m -> m.getUid())
        .findFirst()
        .orElse("none");
  }
}
