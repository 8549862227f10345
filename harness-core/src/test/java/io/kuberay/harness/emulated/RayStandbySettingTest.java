package io.kuberay.harness.emulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RayStandbySettingTest {

  @Test
  @DisplayName("two standbys by default; the system property wins over KUBERAY_RAY_STANDBYS; 0 turns them off")
  void values() {
    assertThat(RayProcessPodRuntime.standbyCount(k -> null, Map.of())).isEqualTo(2);
    assertThat(RayProcessPodRuntime.standbyCount(k -> null, Map.of("KUBERAY_RAY_STANDBYS", "0"))).isZero();
    assertThat(RayProcessPodRuntime.standbyCount(Map.of("kuberay.ray.standbys", " 3 ")::get, Map.of("KUBERAY_RAY_STANDBYS", "0"))).isEqualTo(3);
  }

  @Test
  @DisplayName("a value that is not a count names the setting, the value and the allowed range")
  void badValue() {
    assertThatThrownBy(() -> RayProcessPodRuntime.standbyCount(Map.of("kuberay.ray.standbys", "two")::get, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kuberay.ray.standbys must be a whole number from 0 (no standby interpreters) to 16, was 'two'; the default is 2");
    assertThatThrownBy(() -> RayProcessPodRuntime.standbyCount(k -> null, Map.of("KUBERAY_RAY_STANDBYS", "-1")))
        .hasMessageStartingWith("KUBERAY_RAY_STANDBYS must be a whole number from 0");
  }
}
