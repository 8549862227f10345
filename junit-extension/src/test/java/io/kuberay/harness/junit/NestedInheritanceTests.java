package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.RayClusterHandle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code @Nested} classes use the enclosing class's namespace and clusters unless they declare
 * their own.
 */
@KubeRayTest(ray = "off", clusters = @RayCluster(name = "outer"))
@DisplayName("@KubeRayTest with @Nested classes")
class NestedInheritanceTests {

  @KubeRayResource @KubeRayNamespace static String outerNamespace;

  @Test
  @DisplayName("the outer class sees its cluster")
  void outer(RayClusterHandle cluster) {
    assertThat(cluster.name()).isEqualTo("outer");
  }

  @Nested
  @DisplayName("a @Nested class without its own @KubeRayTest")
  class Inheriting {

    @KubeRayResource RayClusterHandle cluster;

    @Test
    @DisplayName("gets the outer namespace and cluster")
    void inheritsOuterClusters(@KubeRayNamespace String namespace) {
      assertThat(namespace).isEqualTo(outerNamespace);
      assertThat(cluster.name()).isEqualTo("outer");
      assertThat(cluster.namespace()).isEqualTo(outerNamespace);
    }

    @Nested
    @DisplayName("nested twice")
    class Deeper {
      @Test
      @DisplayName("still gets the outer cluster")
      void inheritsThroughTwoLevels(RayClusterHandle cluster) {
        assertThat(cluster.name()).isEqualTo("outer");
      }
    }
  }

  @Nested
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "inner"))
  @DisplayName("a @Nested class with its own @KubeRayTest")
  class OwnConfiguration {

    @Test
    @DisplayName("gets its own namespace and clusters")
    void ownNamespaceAndClusters(@KubeRayNamespace String namespace, RayClusterHandle cluster) {
      assertThat(namespace).isNotEqualTo(outerNamespace).startsWith("kr-ownconfiguration-");
      assertThat(cluster.name()).isEqualTo("inner");
    }
  }
}
