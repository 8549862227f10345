package io.kuberay.harness.cucumber;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NamingTests {

  @Test
  @DisplayName(
      "generated namespaces are DNS labels: scenario slug of at most 40 characters plus a random suffix")
  void generatedNamespace() {
    String name =
        KubeRayWorld.generatedNamespaceName(
            "Install, check, exec in the head and submit a job on KubeRay v1.1.0!");
    assertThat(name)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .hasSizeLessThanOrEqualTo(63)
        .startsWith("install-check-exec-in-the-head-and-submi-");
    assertThat(KubeRayWorld.generatedNamespaceName("!!!")).matches("scenario-[a-z0-9]{5}");
    assertThat(KubeRayWorld.generatedNamespaceName("x"))
        .isNotEqualTo(KubeRayWorld.generatedNamespaceName("x"));
  }

  @Test
  @DisplayName("diagnostics folder names keep letters, digits, dot, dash and underscore")
  void safeNames() {
    assertThat(Diagnostics.safe("A failing job: FAILED with message"))
        .isEqualTo("a-failing-job-failed-with-message");
    assertThat(Diagnostics.safe("tutorial-v1.1.0")).isEqualTo("tutorial-v1.1.0");
    assertThat(Diagnostics.safe("***")).isEqualTo("unnamed");
  }
}
