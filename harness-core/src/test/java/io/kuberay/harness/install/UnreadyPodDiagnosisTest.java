package io.kuberay.harness.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.PodHandle;
import io.kuberay.harness.emulated.api.EmulatedApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UnreadyPodDiagnosisTest {

  private final EmulatedApiServer api = new EmulatedApiServer().start("http://127.0.0.1:1");
  private final KubernetesClient client = api.client();

  @AfterEach
  void stop() {
    api.close();
  }

  private Pod pod(boolean ready) {
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("kuberay-operator-1")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("kuberay-operator")
                .withImage("quay.io/kuberay/operator:v1.5.0")
                .endContainer()
                .endSpec()
                .build())
        .create();
    Pod withStatus =
        new PodBuilder(client.pods().inNamespace("default").withName("kuberay-operator-1").get())
            .editOrNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("kuberay-operator")
            .withReady(ready)
            .withRestartCount(4)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    return client.pods().inNamespace("default").resource(withStatus).updateStatus();
  }

  private void event(String name, String type, String reason, String message, String time) {
    client
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("kuberay-operator-1")
                .withNamespace("default")
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withLastTimestamp(time)
                .build())
        .create();
  }

  @Test
  void anUnreadyPodIsDescribedByItsWarningsAndLog() {
    Pod pod = pod(false);
    event("e1", "Normal", "Started", "Started container kuberay-operator", "2026-12-03T10:00:00Z");
    event(
        "e2",
        "Warning",
        "Unhealthy",
        "Readiness probe failed: connection refused",
        "2026-12-03T10:00:05Z");

    String diagnosis = UnreadyPodDiagnosis.of(client, pod);

    assertThat(diagnosis)
        .contains("event Unhealthy: Readiness probe failed: connection refused")
        .doesNotContain("Started container")
        .as("said once, in the pod's own line")
        .doesNotContain("restarts");
    assertThat(PodHandle.describe(pod)).contains("kuberay-operator running, not ready, 4 restarts");
    // Nothing runs the container here, so its log cannot be read: said, not thrown.
    assertThat(diagnosis)
        .containsAnyOf("last log lines of kuberay-operator", "(log of kuberay-operator unreadable");
  }

  @Test
  void aReadyPodNeedsNoDiagnosis() {
    assertThat(UnreadyPodDiagnosis.of(client, pod(true))).isEmpty();
  }
}
