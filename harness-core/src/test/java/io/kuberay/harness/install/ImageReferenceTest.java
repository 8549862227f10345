package io.kuberay.harness.install;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void parsesAndQualifies() {
    assertThat(ImageReference.parse("kuberay-harness/ray:2.52.0").fullyQualified())
        .isEqualTo("docker.io/kuberay-harness/ray:2.52.0");
    assertThat(ImageReference.parse("busybox").fullyQualified())
        .isEqualTo("docker.io/library/busybox:latest");
    assertThat(ImageReference.parse("quay.io/kuberay/operator:v1.5.0").registry())
        .isEqualTo("quay.io");
    assertThat(ImageReference.parse("localhost:5000/op:v1").repository())
        .isEqualTo("localhost:5000/op");
    assertThat(ImageReference.parse("localhost:5000/op:v1").registry()).isEqualTo("localhost:5000");
  }

  @Test
  void versionOfOperatorImage() {
    assertThat(InstalledOperator.versionOf("quay.io/kuberay/operator:v1.1.0")).contains("1.1.0");
    assertThat(InstalledOperator.versionOf("kuberay-operator-1.5.0")).contains("1.5.0");
    assertThat(InstalledOperator.versionOf("localhost:5000/operator")).isEmpty();
  }
}
