package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which Rays take the first node at the dashboard's IP for the head (so a worker must not register
 * before the head's raylet on the emulated node, where every node is 127.0.0.1): KubeRay v1.1.0's
 * samples run Ray 2.9.0, whose RayJob driver ran on the worker pod.
 */
class HeadByAddressTest {

  @Test
  void rayBefore241PicksTheHeadByAddress() {
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.9.0")).isTrue();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.34.0")).isTrue();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.40.0")).isTrue();
  }

  @Test
  void ray241AndLaterAskTheNode() {
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.41.0")).isFalse();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.46.0")).isFalse();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("2.52.0")).isFalse();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("3.0.0")).isFalse();
    assertThat(RayProcessPodRuntime.picksHeadByAddress("nightly")).isFalse();
  }
}
