package io.kuberay.harness.emulated.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kuberay.harness.emulated.support.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeletStatusTest {

  @Test
  void summedAmountsAreWrittenAsKubernetesDoes() {
    // The head pod with the autoscaler sidecar: 200m + 100m requested, 1 + 500m limited (k3s shows
    // "300m" and "1500m").
    assertThat(KubeletStatus.canonical(new BigDecimal("0.3"))).isEqualTo("300m");
    assertThat(KubeletStatus.canonical(new BigDecimal("1.5"))).isEqualTo("1500m");
    assertThat(KubeletStatus.canonical(new BigDecimal("2.000"))).isEqualTo("2");
    assertThat(KubeletStatus.canonical(new BigDecimal("3000000000"))).isEqualTo("3000000000");
  }

  @Test
  @DisplayName(
      "a finished pod has no pod-level status.resources (k3s's completed submitter had none), a"
          + " running one has")
  void aFinishedPodKeepsOnlyItsMemoryRequestInPodLevelResources() {
    Pod pod =
        Json.SERDE.unmarshal(
            "--- {metadata: {name: p}, spec: {containers: [{name: c, image: busybox, resources:"
                + " {limits: {cpu: '1', memory: 1Gi}, requests: {cpu: 500m, memory: 200Mi}}}]}}",
            Pod.class);
    PodStatus running = new PodStatus();
    running.setPhase("Running");
    KubeletStatus.describe(pod, running);
    assertThat(running.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(running.getAllocatedResources()).containsKeys("cpu", "memory");

    for (String phase : new String[] {"Succeeded", "Failed"}) {
      PodStatus finished = Json.copy(running);
      finished.setPhase(phase);
      KubeletStatus.describe(pod, finished);
      // As k3s (Kubernetes 1.36.3) showed KubeRay's completed submitter pod.
      assertThat(finished.getResources().getLimits()).as(phase).isNullOrEmpty();
      assertThat(finished.getResources().getRequests())
          .as(phase)
          .containsOnlyKeys("memory")
          .containsEntry("memory", new Quantity("200Mi"));
      assertThat(finished.getAllocatedResources()).as(phase).containsKeys("cpu", "memory");
    }
  }
}
