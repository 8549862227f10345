package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RayStandbySettingTest {

  @Test
  @DisplayName("two standbys when unset; 0 keeps none; any count up to 16")
  void values() {
    assertThat(RayProcessPodRuntime.standbyCount(Optional.empty())).isEqualTo(2);
    assertThat(RayProcessPodRuntime.standbyCount(Optional.of("0"))).isZero();
    assertThat(RayProcessPodRuntime.standbyCount(Optional.of("16"))).isEqualTo(16);
  }

  @Test
  @DisplayName("a value that is not a count names the setting, the value and the allowed range")
  void badValue() {
    assertThatThrownBy(() -> RayProcessPodRuntime.standbyCount(Optional.of("two")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "kuberay.ray.standbys (or KUBERAY_RAY_STANDBYS) must be a whole number from 0 (no standby interpreters)"
                + " to 16, was 'two'; the default is 2");
    assertThatThrownBy(() -> RayProcessPodRuntime.standbyCount(Optional.of("-1")))
        .hasMessageContaining("was '-1'");
    assertThatThrownBy(() -> RayProcessPodRuntime.standbyCount(Optional.of("17")))
        .hasMessageContaining("was '17'");
  }
}
