package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kuberay.harness.KubeRayEnvironment;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

@DisplayName("settings are also JUnit configuration parameters, below system properties")
class ConfigurationParametersTests {

  private static volatile String namespace;
  private static volatile String nodeCpu;

  @Test
  @DisplayName(
      "junit-platform.properties / launcher parameters override the annotation and the defaults")
  void configurationParameterOverridesTheAnnotation() {
    run(Map.of("kuberay.namespace.per.class", "false", "kuberay.node.cpu", "3"));

    assertThat(namespace).isEqualTo("default");
    assertThat(nodeCpu).isEqualTo("3");
  }

  @Test
  @DisplayName("a system property wins over the configuration parameter of the same name")
  void systemPropertyWins() {
    System.setProperty("kuberay.node.cpu", "5");
    try {
      run(Map.of("kuberay.node.cpu", "3"));
    } finally {
      System.clearProperty("kuberay.node.cpu");
    }

    assertThat(nodeCpu).isEqualTo("5");
    assertThat(namespace).startsWith("kr-");
  }

  private static void run(Map<String, String> parameters) {
    namespace = null;
    nodeCpu = null;
    EngineTestKit.engine("junit-jupiter")
        .configurationParameters(parameters)
        .selectors(selectClass(ReadsSettingsTestCase.class))
        .execute()
        .testEvents()
        .assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off")
  static class ReadsSettingsTestCase {
    @Test
    void records(KubeRayEnvironment environment, @KubeRayNamespace String ns) {
      namespace = ns;
      nodeCpu = environment.settings().nodeCapacity().cpu();
    }
  }
}
