package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;

import io.kuberay.harness.RayClusterHandle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

@DisplayName("@KubeRayTest misconfiguration fails with expected / found / fix")
class MisconfigurationTests {

  @Test
  @DisplayName("an unknown kuberayVersion fails the class and names the supported versions")
  void unknownVersion() {
    EngineExecutionResults results = EngineRuns.run(UnknownVersionTestCase.class);

    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "@KubeRayTest on "
                + UnknownVersionTestCase.class.getName()
                + ": expected kuberayVersion to be one of [v1.1.0, v1.5.0, v1.7.0], but found 'v9.9.9'."
                + " Fix: use a supported version, e.g. kuberayVersion = \"v1.1.0\"");
    assertThat(results.testEvents().started().count()).isZero();
  }

  @Test
  @DisplayName("an image mapped to a relative mount path fails the class and says what to write")
  void relativeMountPath() {
    EngineExecutionResults results = EngineRuns.run(RelativeMountPathTestCase.class);

    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageStartingWith(
            "@KubeRayTest on "
                + RelativeMountPathTestCase.class.getName()
                + ": expected @ImageContents with an image pattern")
        .hasMessageContaining("mountPath = \"app\"")
        .hasMessageContaining("must be an absolute path below /, e.g. /app");
    assertThat(results.testEvents().started().count()).isZero();
  }

  @Test
  @DisplayName("two clusters with the same name fail the class")
  void duplicateClusterNames() {
    EngineExecutionResults results = EngineRuns.run(DuplicateClusterTestCase.class);

    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "@KubeRayTest on "
                + DuplicateClusterTestCase.class.getName()
                + ": expected unique cluster names, but found 'demo' twice. Fix: give each @RayCluster its own name (name = \"...\")");
  }

  @Test
  @DisplayName("a YAML resource that is not on the class path fails the class")
  void missingYaml() {
    EngineExecutionResults results = EngineRuns.run(MissingYamlTestCase.class);

    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "@KubeRayTest on "
                + MissingYamlTestCase.class.getName()
                + ": expected a RayCluster manifest on the class path at 'clusters/missing.yaml', but found no such resource."
                + " Fix: put the file under src/test/resources/clusters/missing.yaml or correct @RayCluster(yaml = ...)");
  }

  @Test
  @DisplayName("a field of an unsupported type fails the class before anything starts")
  void unsupportedFieldType() {
    EngineExecutionResults results = EngineRuns.run(UnsupportedTypeTestCase.class);

    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "KubeRay injection into field 'count' of "
                + UnsupportedTypeTestCase.class.getName()
                + ": expected a KubeRayEnvironment, KubernetesClient, RayClusterHandle, RayJobsClient, RayServices, @HeadPod PodHandle or @KubeRayNamespace String,"
                + " but found java.lang.Integer. Fix: change the type to one of those, or remove the annotation");
  }

  @Test
  @DisplayName("@ClusterName of an undeclared cluster fails the test and lists the declared ones")
  void unknownClusterName() {
    EngineExecutionResults results = EngineRuns.run(UnknownClusterNameTestCase.class);

    results.containerEvents().assertStatistics(s -> s.failed(0));
    assertThat(EngineRuns.failures(results.testEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ParameterResolutionException.class)
        .cause()
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "@ClusterName(\"missing\") on parameter 0 of "
                + UnknownClusterNameTestCase.class.getName()
                + ".usesMissing()"
                + ": expected one of the clusters [demo], but found 'missing'."
                + " Fix: use one of those names, or declare the cluster in @KubeRayTest(clusters = ...)");
    assertThat(EngineRuns.failures(results.testEvents()).get(0).getSuppressed())
        .as("no diagnostics bundle for a misconfiguration")
        .isEmpty();
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(
      ray = "off",
      images = @ImageContents(image = "myorg/app:*", directory = "app", mountPath = "app"))
  static class RelativeMountPathTestCase {
    @Test
    void neverRuns() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(kuberayVersion = "v9.9.9", ray = "off")
  static class UnknownVersionTestCase {
    @Test
    void neverRuns() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(
      ray = "off",
      clusters = {@RayCluster(name = "demo"), @RayCluster(name = "demo")})
  static class DuplicateClusterTestCase {
    @Test
    void neverRuns() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(yaml = "clusters/missing.yaml"))
  static class MissingYamlTestCase {
    @Test
    void neverRuns() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off")
  static class UnsupportedTypeTestCase {
    @KubeRayResource Integer count;

    @Test
    void neverRuns() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "demo"))
  static class UnknownClusterNameTestCase {
    @Test
    void usesMissing(@ClusterName("missing") RayClusterHandle cluster) {}
  }
}
