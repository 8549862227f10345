package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShellVariablesTest {

  @Test
  void expandsBothFormsAndEmptiesUnsetOnes() {
    Map<String, String> env = Map.of("REDIS_PASSWORD", "s3cr$t", "USER", "ray");
    assertThat(ShellVariables.expand("$REDIS_PASSWORD", env)).isEqualTo("s3cr$t");
    assertThat(ShellVariables.expand("${USER}-x:$MISSING.", env)).isEqualTo("ray-x:.");
    assertThat(ShellVariables.expand("plain", env)).isEqualTo("plain");
  }
}
