package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kuberay.harness.KubeRayEnvironment;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

@DisplayName("@KubeRayTest gives its shared environment back when the class ends")
class IdleEnvironmentsTests {

  static final Map<String, KubeRayEnvironment> SEEN = new ConcurrentHashMap<>();
  static final Map<String, Set<String>> OPEN_BEFORE = new ConcurrentHashMap<>();

  @Test
  @DisplayName(
      "a released environment serves the next class of its settings; beyond kuberay.environments.idle the oldest closes, and the run's end closes the rest")
  void idleEnvironments() {
    SEEN.clear();
    OPEN_BEFORE.clear();
    var results =
        EngineTestKit.engine("junit-jupiter")
            .configurationParameter("kuberay.environments.idle", "1")
            .configurationParameter(
                "junit.jupiter.testclass.order.default",
                ClassOrderer.OrderAnnotation.class.getName())
            .selectors(
                selectClass(FirstTestCase.class),
                selectClass(SecondTestCase.class),
                selectClass(ThirdTestCase.class),
                selectClass(FourthTestCase.class))
            .execute();
    results.testEvents().assertStatistics(stats -> stats.succeeded(4).failed(0));
    assertThat(OPEN_BEFORE.get("v1.5.0"))
        .as("v1.1.0 released, one idle allowed")
        .contains("v1.1.0");
    assertThat(SEEN.get("v1.5.0 again")).isSameAs(SEEN.get("v1.5.0"));
    assertThat(OPEN_BEFORE.get("v1.7.0"))
        .as("v1.5.0 was released after v1.1.0, so v1.1.0 was closed")
        .contains("v1.5.0")
        .doesNotContain("v1.1.0");
    assertThat(SEEN.values()).allSatisfy(env -> assertThat(env.isClosed()).isTrue());
  }

  /** Records its environment and which environments recorded before it were still open. */
  abstract static class Recorder {
    private final String key;

    Recorder(String key) {
      this.key = key;
    }

    @Test
    void records(KubeRayEnvironment env) {
      OPEN_BEFORE.put(
          key,
          SEEN.entrySet().stream()
              .filter(e -> !e.getValue().isClosed())
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet()));
      SEEN.put(key, env);
    }
  }

  @Tag("kuberay-fixture")
  @Order(1)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.1.0")
  static class FirstTestCase extends Recorder {
    FirstTestCase() {
      super("v1.1.0");
    }
  }

  @Tag("kuberay-fixture")
  @Order(2)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.5.0")
  static class SecondTestCase extends Recorder {
    SecondTestCase() {
      super("v1.5.0");
    }
  }

  @Tag("kuberay-fixture")
  @Order(3)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.5.0")
  static class ThirdTestCase extends Recorder {
    ThirdTestCase() {
      super("v1.5.0 again");
    }
  }

  @Tag("kuberay-fixture")
  @Order(4)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.7.0")
  static class FourthTestCase extends Recorder {
    FourthTestCase() {
      super("v1.7.0");
    }
  }
}
