package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code pods/log} chooses its container as kube-apiserver's {@code LogLocation} does. */
class PodContainersTest {

  private static Pod pod(String... containers) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("rayjob-head-x")
            .endMetadata()
            .withNewSpec()
            .addNewInitContainer()
            .withName("wait-gcs-ready")
            .endInitContainer()
            .endSpec();
    for (String c : containers) {
      b.editSpec().addNewContainer().withName(c).endContainer().endSpec();
    }
    return b.build();
  }

  @Test
  @DisplayName("a pod's only container is read without naming it")
  void theOnlyContainer() {
    assertThat(PodContainers.resolve(pod("ray-head"), null)).isEqualTo("ray-head");
    assertThat(PodContainers.resolve(pod("ray-head"), "")).isEqualTo("ray-head");
  }

  @Test
  @DisplayName("a named container is read when the pod has it, init containers included")
  void aNamedContainer() {
    Pod pod = pod("ray-head", "ray-job-submitter");
    assertThat(PodContainers.resolve(pod, "ray-job-submitter")).isEqualTo("ray-job-submitter");
    assertThat(PodContainers.resolve(pod, "wait-gcs-ready")).isEqualTo("wait-gcs-ready");
  }

  @Test
  @DisplayName("a container the pod does not have gets the API server's 400 message")
  void anUnknownContainer() {
    assertThatThrownBy(() -> PodContainers.resolve(pod("ray-head"), "ray-job-submitter"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("container ray-job-submitter is not valid for pod rayjob-head-x");
  }

  @Test
  @DisplayName("several containers and none named: the API server lists them")
  void severalContainersUnnamed() {
    assertThatThrownBy(() -> PodContainers.resolve(pod("ray-head", "ray-job-submitter"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a container name must be specified for pod rayjob-head-x, choose one of:"
                + " [ray-head ray-job-submitter] or one of the init containers: [wait-gcs-ready]");
  }
}
