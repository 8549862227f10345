package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class RayPythonsTest {

  @Test
  void mapsVersionsToPythons() {
    assertThat(
            RayPythons.parse(" 2.9.0=/opt/ray-2.9/bin/python, 2.46.0 = /opt/ray-2.46/bin/python ,"))
        .containsExactly(
            entry("2.9.0", "/opt/ray-2.9/bin/python"), entry("2.46.0", "/opt/ray-2.46/bin/python"));
  }

  @Test
  void aBadEntryNamesTheSettingTheEntryAndTheForm() {
    assertThatThrownBy(() -> RayPythons.parse("2.9.0=/opt/py,latest=/usr/bin/python3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kuberay.ray.pythons")
        .hasMessageContaining("'latest=/usr/bin/python3'")
        .hasMessageContaining("2.9.0=/opt/ray-2.9/bin/python");
    assertThatThrownBy(() -> RayPythons.parse("2.9.0")).hasMessageContaining("'2.9.0'");
  }

  @Test
  void aMappedPythonWithAnotherRayIsUnavailableWithTheFix() {
    RayRuntime provisioned = RayRuntime.resolve();

    RayRuntime mapped = RayProvisioner.fromMappedPython("2.9.0", provisioned.python().toString());

    assertThat(mapped.isAvailable()).isFalse();
    assertThat(mapped.unavailableReason())
        .get()
        .asString()
        .contains("kuberay.ray.pythons maps Ray 2.9.0")
        .contains("has Ray " + RayRuntime.RAY_VERSION)
        .contains("Fix: map 2.9.0 to a python with ray[default,serve]==2.9.0");
  }

  @Test
  void aMappedPythonWithThatRayIsUsedAsItIs() {
    RayRuntime provisioned = RayRuntime.resolve();

    RayRuntime mapped =
        RayProvisioner.fromMappedPython(RayRuntime.RAY_VERSION, provisioned.python().toString());

    assertThat(mapped.isAvailable()).isTrue();
    assertThat(mapped.python()).isEqualTo(provisioned.python());
  }
}
