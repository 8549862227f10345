package io.kuberay.harness.emulated.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class KubeletStatusTest {

  @Test
  void summedAmountsAreWrittenAsKubernetesDoes() {
    // The head pod with the autoscaler sidecar: 200m + 100m requested, 1 + 500m limited (k3s shows
    // "300m" and "1500m").
    assertThat(KubeletStatus.canonical(new BigDecimal("0.3"))).isEqualTo("300m");
    assertThat(KubeletStatus.canonical(new BigDecimal("1.5"))).isEqualTo("1500m");
    assertThat(KubeletStatus.canonical(new BigDecimal("2.000"))).isEqualTo("2");
    assertThat(KubeletStatus.canonical(new BigDecimal("3000000000"))).isEqualTo("3000000000");
  }
}
