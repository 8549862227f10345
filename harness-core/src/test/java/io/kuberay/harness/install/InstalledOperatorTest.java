package io.kuberay.harness.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An operator installed by either method is found again: a reused k3s node or an existing cluster
 * keeps it instead of installing over it (which Helm refuses: "cannot re-use a name that is still
 * in use").
 */
class InstalledOperatorTest {

  static List<KubeRayVersion> versions() {
    return KubeRayVersion.SUPPORTED;
  }

  /**
   * The labels KubeRay's kuberay-operator charts v1.1.0-v1.7.0 give the Deployment (the chart's
   * {@code kuberay-operator.labels}) and its pod template; K3sReuseIT installs the real chart.
   */
  @ParameterizedTest
  @MethodSource("versions")
  void theHelmChartsDeploymentIsFoundByItsPodTemplatesLabel(KubeRayVersion version) {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("kuberay-operator")
            .addToLabels("app.kubernetes.io/name", "kuberay-operator")
            .addToLabels("helm.sh/chart", "kuberay-operator-" + version.number())
            .addToLabels("app.kubernetes.io/instance", "kuberay-operator")
            .addToLabels("app.kubernetes.io/managed-by", "Helm")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app.kubernetes.io/name", "kuberay-operator")
            .addToLabels("app.kubernetes.io/instance", "kuberay-operator")
            .addToLabels(InstalledOperator.COMPONENT_LABEL, InstalledOperator.COMPONENT)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("kuberay-operator")
            .withImage("kuberay-harness/kuberay-operator:" + version)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    assertThat(InstalledOperator.isOperator(deployment)).isTrue();
    assertThat(InstalledOperator.of(deployment).isVersion(version.number())).isTrue();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void theKustomizeDeploymentIsFound(KubeRayVersion version) {
    KubeRayInstaller installer =
        new KubeRayInstaller(
            new KubernetesClientBuilder().build(), "", ManifestSources.classpath());
    Deployment deployment =
        installer
            .renderKustomize(version, InstallOptions.fromSystem(Duration.ofMinutes(1)))
            .stream()
            .filter(o -> "Deployment".equals(o.getKind()))
            .map(o -> Serialization.unmarshal(Serialization.asJson(o), Deployment.class))
            .findFirst()
            .orElseThrow();

    assertThat(InstalledOperator.isOperator(deployment)).isTrue();
  }
}
