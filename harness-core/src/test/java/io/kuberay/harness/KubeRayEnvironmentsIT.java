package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.settings.Setting;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeRayEnvironmentsIT {

  @AfterEach
  void closeAll() {
    System.clearProperty(Setting.ENVIRONMENTS_IDLE.key());
    KubeRayEnvironments.closeAll();
  }

  /** Distinct settings per {@code cpus}: each is its own shared environment. */
  private static EnvironmentSettings settings(int cpus) {
    return KubeRayEnvironment.builder()
        .rayMode(RayMode.OFF)
        .nodeCapacity(Integer.toString(cpus), "3Gi")
        .startupTimeout(Duration.ofSeconds(77))
        .settingsExactly();
  }

  @Test
  @DisplayName(
      "leases share one environment, which stays open idle after the last release and serves the next lease")
  void leases() {
    KubeRayEnvironments.Lease first = KubeRayEnvironments.acquire(settings(3));
    KubeRayEnvironments.Lease second = KubeRayEnvironments.acquire(settings(3));
    assertThat(second.environment()).isSameAs(first.environment());
    first.close();
    first.close();
    assertThat(second.environment().isClosed()).isFalse();
    second.close();
    assertThat(second.environment().isClosed()).isFalse();
    try (KubeRayEnvironments.Lease third = KubeRayEnvironments.acquire(settings(3))) {
      assertThat(third.environment()).isSameAs(first.environment());
    }
  }

  @Test
  @DisplayName(
      "beyond kuberay.environments.idle the least recently released idle environments close; held ones never")
  void idleLimit() {
    System.setProperty(Setting.ENVIRONMENTS_IDLE.key(), "1");
    KubeRayEnvironments.Lease held = KubeRayEnvironments.acquire(settings(2));
    KubeRayEnvironments.Lease a = KubeRayEnvironments.acquire(settings(3));
    KubeRayEnvironments.Lease b = KubeRayEnvironments.acquire(settings(4));
    KubeRayEnvironments.Lease c = KubeRayEnvironments.acquire(settings(5));
    a.close();
    assertThat(a.environment().isClosed()).isFalse();
    b.close();
    assertThat(a.environment().isClosed()).as("released first").isTrue();
    assertThat(b.environment().isClosed()).isFalse();
    // b is held again, so c's release closes nothing; b's release then closes c, released before it
    KubeRayEnvironments.Lease again = KubeRayEnvironments.acquire(settings(4));
    assertThat(again.environment()).isSameAs(b.environment());
    c.close();
    again.close();
    assertThat(c.environment().isClosed()).isTrue();
    assertThat(b.environment().isClosed()).isFalse();
    assertThat(held.environment().isClosed()).isFalse();
    assertThat(KubeRayEnvironments.open()).isEqualTo(2);

    KubeRayEnvironments.closeIdle();
    assertThat(b.environment().isClosed()).isTrue();
    assertThat(held.environment().isClosed()).as("held").isFalse();
    held.close();
  }

  @Test
  @DisplayName(
      "kuberay.environments.idle=0 closes an environment at its last release; pinned ones stay")
  void noIdle() {
    System.setProperty(Setting.ENVIRONMENTS_IDLE.key(), "0");
    KubeRayEnvironment pinned = KubeRayEnvironments.shared(settings(6));
    KubeRayEnvironments.Lease lease = KubeRayEnvironments.acquire(settings(3));
    KubeRayEnvironments.Lease onPinned = KubeRayEnvironments.acquire(settings(6));
    lease.close();
    onPinned.close();
    assertThat(lease.environment().isClosed()).isTrue();
    assertThat(pinned.isClosed()).isFalse();
    KubeRayEnvironments.closeIdle();
    assertThat(pinned.isClosed()).isFalse();
  }

  @Test
  @DisplayName(
      "a malformed kuberay.environments.idle fails the release naming the setting, and leaks nothing")
  void malformedLimit() {
    KubeRayEnvironments.Lease lease = KubeRayEnvironments.acquire(settings(3));
    System.setProperty(Setting.ENVIRONMENTS_IDLE.key(), "many");
    assertThatThrownBy(lease::close)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kuberay.environments.idle")
        .hasMessageContaining("'many'")
        .hasMessageContaining("0 (close at the last release) to 32");
    assertThat(lease.environment().isClosed()).isTrue();
    assertThat(KubeRayEnvironments.idleLimit(Optional.empty())).isEqualTo(3);
  }
}
