package io.kuberay.harness.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClientWarmupTest {

  @Test
  @DisplayName(
      "the warm-up objects read as typed pods and services (a failure would only cost speed, silently)")
  void objectsReadAsTypedModel() {
    assertThat(ClientWarmup.run(new KubernetesSerialization())).isTrue();
  }
}
