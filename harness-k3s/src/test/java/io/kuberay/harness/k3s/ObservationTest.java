package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class ObservationTest {

  @Test
  void aFailedMountOnAPodThatStartedLaterIsNotCompared() {
    assertThat(Observation.retriedMount(event("FailedMount"), pod("Running"))).isTrue();
    assertThat(Observation.retriedMount(event("FailedMount"), pod("Succeeded"))).isTrue();
  }

  @Test
  void aFailedMountThatStillHoldsThePodIsCompared() {
    assertThat(Observation.retriedMount(event("FailedMount"), pod("Pending"))).isFalse();
    assertThat(Observation.retriedMount(event("FailedMount"), null)).isFalse();
  }

  @Test
  void otherWarningsAreCompared() {
    assertThat(Observation.retriedMount(event("BackOff"), pod("Running"))).isFalse();
  }

  private static Event event(String reason) {
    return new EventBuilder()
        .withReason(reason)
        .withType("Warning")
        .withNewInvolvedObject()
        .withKind("Pod")
        .withName("raycluster-kuberay-head-abcde")
        .endInvolvedObject()
        .build();
  }

  private static Pod pod(String phase) {
    return new PodBuilder().withNewStatus().withPhase(phase).endStatus().build();
  }
}
