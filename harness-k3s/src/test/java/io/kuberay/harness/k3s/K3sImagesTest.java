package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayImages;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class K3sImagesTest {

  private static EnvironmentSettings v15() {
    return EnvironmentSettings.defaults().withKuberayVersion(KubeRayVersion.V1_5_0);
  }

  @Test
  @DisplayName("upstream images win when the engine has them; nothing is aliased")
  void upstreamPresent() {
    Set<String> local =
        Set.of(
            EnvironmentSettings.DEFAULT_K3S_IMAGE,
            "quay.io/kuberay/operator:v1.5.0",
            RayImages.DEFAULT_IMAGE);
    K3sImages images = K3sImages.resolve(v15(), local::contains);

    assertThat(images.node()).isEqualTo(EnvironmentSettings.DEFAULT_K3S_IMAGE);
    assertThat(images.operator()).isEqualTo("quay.io/kuberay/operator:v1.5.0");
    assertThat(images.ray()).isEqualTo(RayImages.DEFAULT_IMAGE);
    assertThat(images.aliases()).isEmpty();
  }

  @Test
  @DisplayName(
      "the harness's local builds are used when upstream images are absent; the Ray build is aliased to the upstream name")
  void localBuilds() {
    Set<String> local =
        Set.of(
            "kuberay-harness/k8s-node:v1.36.3",
            "kuberay-harness/kuberay-operator:v1.5.0",
            "kuberay-harness/ray:" + RayImages.DEFAULT_RAY_VERSION);
    K3sImages images = K3sImages.resolve(v15(), local::contains);

    assertThat(images.node()).isEqualTo("kuberay-harness/k8s-node:v1.36.3");
    assertThat(images.operator()).isEqualTo("kuberay-harness/kuberay-operator:v1.5.0");
    assertThat(images.aliases())
        .containsEntry(
            "kuberay-harness/ray:" + RayImages.DEFAULT_RAY_VERSION, RayImages.DEFAULT_IMAGE);
    assertThat(images.sideloaded())
        .containsExactly(
            "kuberay-harness/kuberay-operator:v1.5.0",
            "kuberay-harness/ray:" + RayImages.DEFAULT_RAY_VERSION);
  }

  @Test
  @DisplayName(
      "with nothing local, the upstream names are kept so that the missing-image message names them")
  void nothingLocal() {
    K3sImages images = K3sImages.resolve(v15(), name -> false);

    assertThat(images.all())
        .containsExactly(
            EnvironmentSettings.DEFAULT_K3S_IMAGE,
            "quay.io/kuberay/operator:v1.5.0",
            RayImages.DEFAULT_IMAGE);
  }

  @Test
  @DisplayName(
      "a local Ray build of another version loaded by kuberay.images.load is aliased to rayproject/ray of that version")
  void extraLocalRay() {
    System.setProperty(K3sImages.LOAD, "kuberay-harness/ray:2.46.0, other/image:1");
    try {
      K3sImages images = K3sImages.resolve(v15(), name -> name.startsWith("kuberay-harness/"));

      assertThat(images.aliases())
          .containsEntry("kuberay-harness/ray:2.46.0", "rayproject/ray:2.46.0")
          .containsEntry(
              "kuberay-harness/ray:" + RayImages.DEFAULT_RAY_VERSION, RayImages.DEFAULT_IMAGE)
          .doesNotContainKey("other/image:1");
      assertThat(images.sideloaded()).contains("kuberay-harness/ray:2.46.0", "other/image:1");
    } finally {
      System.clearProperty(K3sImages.LOAD);
    }
  }
}
