package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RayStartParamsTest {

  private static final Set<String> EXPLICIT = RayStartParams.EXPLICIT_BOOLEAN_OPTIONS;

  @Test
  void trueIsABareFlagAndFalseDropsIt() {
    assertThat(RayStartParams.flag("block", "true", EXPLICIT)).contains("--block");
    assertThat(RayStartParams.flag("block", "TRUE", EXPLICIT)).contains("--block");
    assertThat(RayStartParams.flag("disable-usage-stats", "false", EXPLICIT)).isEmpty();
  }

  @Test
  void explicitBooleanOptionsKeepTheirValue() {
    assertThat(RayStartParams.flag("include-dashboard", "false", EXPLICIT))
        .contains("--include-dashboard=false");
    assertThat(RayStartParams.flag("log-color", "true", EXPLICIT)).contains("--log-color=true");
    assertThat(RayStartParams.flag("include-log-monitor", "false", Set.of("log-color"))).isEmpty();
  }

  @Test
  void otherValuesAreKeyEqualsValue() {
    assertThat(RayStartParams.flag("num-cpus", "2", EXPLICIT)).contains("--num-cpus=2");
    assertThat(RayStartParams.flag("resources", "'{\"a\": 1}'", EXPLICIT))
        .contains("--resources='{\"a\": 1}'");
  }
}
