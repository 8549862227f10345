package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessDeadlineTest {

  @Test
  void kuberaysInjectedProbeKillsAfterItsDelayAndEveryAllowedFailure() {
    // KubeRay's default for Ray containers: 30 s delay, a probe every 5 s, 120 failures allowed.
    var container =
        new ContainerBuilder()
            .withName("ray-worker")
            .withNewLivenessProbe()
            .withInitialDelaySeconds(30)
            .withPeriodSeconds(5)
            .withFailureThreshold(120)
            .endLivenessProbe()
            .build();

    assertThat(LivenessDeadline.of(container)).contains(Duration.ofSeconds(630));
  }

  @Test
  void unsetFieldsTakeKubernetesDefaultsAndNoProbeMeansNeverKilled() {
    var defaults = new ContainerBuilder().withNewLivenessProbe().endLivenessProbe().build();
    var none = new ContainerBuilder().withName("ray-head").build();

    assertThat(LivenessDeadline.of(defaults)).contains(Duration.ofSeconds(30));
    assertThat(LivenessDeadline.of(none)).isEmpty();
  }
}
