package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kuberay.harness.KubeRayEnvironment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

@DisplayName("@KubeRayTest gives its shared environment back when the class ends")
class IdleEnvironmentsTests {

  static final Map<String, KubeRayEnvironment> SEEN = new ConcurrentHashMap<>();

  @Test
  @DisplayName(
      "a released environment serves the next class of its settings; beyond kuberay.environments.idle the oldest closes, and the run's end closes the rest")
  void idleEnvironments() {
    SEEN.clear();
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
    assertThat(SEEN.get("v1.5.0 again")).isSameAs(SEEN.get("v1.5.0"));
    assertThat(SEEN.values()).allSatisfy(env -> assertThat(env.isClosed()).isTrue());
  }

  @Tag("kuberay-fixture")
  @Order(1)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.1.0")
  static class FirstTestCase {
    @Test
    void first(KubeRayEnvironment env) {
      SEEN.put("v1.1.0", env);
    }
  }

  @Tag("kuberay-fixture")
  @Order(2)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.5.0")
  static class SecondTestCase {
    @Test
    void second(KubeRayEnvironment env) {
      SEEN.put("v1.5.0", env);
      assertThat(SEEN.get("v1.1.0").isClosed()).as("released, one idle allowed").isFalse();
    }
  }

  @Tag("kuberay-fixture")
  @Order(3)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.5.0")
  static class ThirdTestCase {
    @Test
    void third(KubeRayEnvironment env) {
      SEEN.put("v1.5.0 again", env);
      assertThat(env.isClosed()).isFalse();
    }
  }

  @Tag("kuberay-fixture")
  @Order(4)
  @KubeRayTest(ray = "off", kuberayVersion = "v1.7.0")
  static class FourthTestCase {
    @Test
    void fourth(KubeRayEnvironment env) {
      SEEN.put("v1.7.0", env);
      assertThat(SEEN.get("v1.1.0").isClosed())
          .as("the v1.5.0 environment was released after it")
          .isTrue();
      assertThat(SEEN.get("v1.5.0").isClosed()).as("the most recently released").isFalse();
    }
  }
}
