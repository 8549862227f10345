package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeRayEnvironmentsIT {

  private static EnvironmentSettings settings() {
    return KubeRayEnvironment.builder()
        .rayMode(RayMode.OFF)
        .nodeCapacity("3", "3Gi")
        .startupTimeout(Duration.ofSeconds(77))
        .settingsExactly();
  }

  @Test
  @DisplayName("leases share one environment, which closes when the last lease is released")
  void leases() {
    KubeRayEnvironments.Lease first = KubeRayEnvironments.acquire(settings());
    KubeRayEnvironments.Lease second = KubeRayEnvironments.acquire(settings());
    assertThat(second.environment()).isSameAs(first.environment());
    first.close();
    first.close();
    assertThat(second.environment().isClosed()).isFalse();
    second.close();
    assertThat(second.environment().isClosed()).isTrue();
    try (KubeRayEnvironments.Lease third = KubeRayEnvironments.acquire(settings())) {
      assertThat(third.environment()).isNotSameAs(first.environment());
      assertThat(third.environment().isClosed()).isFalse();
    }
  }
}
