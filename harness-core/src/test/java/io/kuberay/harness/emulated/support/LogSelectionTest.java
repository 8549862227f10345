package io.kuberay.harness.emulated.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSelectionTest {

  @Test
  void tailLinesThenLimitBytes() {
    assertThat(LogSelection.select("a\nb\nc\n", new QueryString("tailLines=2")))
        .isEqualTo("b\nc\n");
    assertThat(LogSelection.select("a\nb\nc\n", new QueryString("tailLines=2&limitBytes=3")))
        .isEqualTo("b\nc");
    assertThat(LogSelection.select("a\nb\n", new QueryString("tailLines=0"))).isEmpty();
    assertThat(LogSelection.select("a\nb\n", new QueryString(""))).isEqualTo("a\nb\n");
  }
}
