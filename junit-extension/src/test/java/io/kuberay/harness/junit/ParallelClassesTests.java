package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayClusterHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

@DisplayName("@KubeRayTest with parallel class execution")
class ParallelClassesTests {

  static final Set<KubeRayEnvironment> SEEN = ConcurrentHashMap.newKeySet();

  @Test
  @DisplayName(
      "classes running concurrently share one environment and each gets its own namespace and cluster")
  void parallel() {
    SEEN.clear();
    var results =
        EngineTestKit.engine("junit-jupiter")
            .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
            .configurationParameter(
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
            .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
            .configurationParameter(
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "3")
            .selectors(
                selectClass(FirstTestCase.class),
                selectClass(SecondTestCase.class),
                selectClass(ThirdTestCase.class))
            .execute();
    results.testEvents().assertStatistics(stats -> stats.succeeded(3).failed(0));
    assertThat(SEEN).hasSize(1);
  }

  abstract static class Base {
    @Test
    void clusterIsReady(
        KubeRayEnvironment env, RayClusterHandle cluster, @KubeRayNamespace String namespace) {
      SEEN.add(env);
      assertThat(cluster.namespace()).isEqualTo(namespace);
      assertThat(cluster.status().state()).isEqualTo("ready");
    }
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "one", headCpu = "100m"))
  static class FirstTestCase extends Base {}

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "two", headCpu = "100m"))
  static class SecondTestCase extends Base {}

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "three", headCpu = "100m"))
  static class ThirdTestCase extends Base {}
}
