package io.kuberay.harness.cucumber;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.KubeRayVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a scenario holds its environment only while it runs")
class WorldLeaseTests {

  @BeforeEach
  void noRayNoIdle() {
    System.setProperty("kuberay.ray", "off");
    System.setProperty("kuberay.environments.idle", "0");
  }

  @AfterEach
  void restore() {
    System.clearProperty("kuberay.ray");
    System.clearProperty("kuberay.environments.idle");
    KubeRayEnvironments.closeAll();
  }

  @Test
  @DisplayName(
      "naming the same operator twice (Background and step) takes one hold, which release gives back")
  void oneHoldPerScenario() {
    KubeRayWorld world = new KubeRayWorld();
    world.useOperator(KubeRayVersion.of("v1.1.0"), InstallMethod.KUSTOMIZE);
    KubeRayEnvironment env = world.environment();
    world.useOperator(KubeRayVersion.of("v1.1.0"), InstallMethod.KUSTOMIZE);
    assertThat(world.environment()).isSameAs(env);
    world.release();
    assertThat(env.isClosed())
        .as("closed at the last release with kuberay.environments.idle=0")
        .isTrue();
  }

  @Test
  @DisplayName("the next scenario of the same settings gets the environment the last one released")
  void idleForTheNext() {
    System.setProperty("kuberay.environments.idle", "1");
    KubeRayWorld first = new KubeRayWorld();
    KubeRayEnvironment env = first.environment();
    first.release();
    assertThat(env.isClosed()).isFalse();
    KubeRayWorld second = new KubeRayWorld();
    assertThat(second.environment()).isSameAs(env);
    second.release();
  }
}
