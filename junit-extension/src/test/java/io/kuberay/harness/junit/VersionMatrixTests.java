package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayClusterHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

@DisplayName("@KubeRayVersions runs one class once per KubeRay release")
class VersionMatrixTests {

  /** version seen by the run, operator image of its environment, namespace of the run. */
  private static final List<List<String>> RUNS = new CopyOnWriteArrayList<>();

  @Test
  @DisplayName(
      "each release gets its own run, environment, operator and namespace; an outside kuberay.version does not collapse them")
  void onePerRelease() {
    RUNS.clear();
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .configurationParameters(Map.of("kuberay.version", "v1.7.0"))
            .selectors(selectClass(TwoReleasesTestCase.class))
            .execute();

    // The inner runs' own failures and aborts, of tests and of their class-level containers (an
    // environment that does not start fails the container, not a test), so that a failure here
    // says why: the kit only counts them.
    assertThat(
            Stream.concat(
                    results.allEvents().failed().stream(), results.allEvents().aborted().stream())
                .map(
                    e ->
                        e.getTestDescriptor().getDisplayName()
                            + ": "
                            + e.getRequiredPayload(TestExecutionResult.class)
                                .getThrowable()
                                .map(Throwable::toString)
                                .orElse("no throwable"))
                .toList())
        .as("failures and aborts of the inner runs")
        .isEmpty();
    results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(
            results.containerEvents().started().list().stream()
                .map(e -> e.getTestDescriptor().getDisplayName()))
        .contains("[1] KubeRay v1.1.0", "[2] KubeRay v1.5.0");
    assertThat(RUNS).extracting(run -> run.get(0)).containsExactly("v1.1.0", "v1.5.0");
    assertThat(RUNS)
        .allSatisfy(run -> assertThat(run.get(1)).as("operator image").endsWith(":" + run.get(0)));
    assertThat(RUNS).extracting(run -> run.get(2)).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("an unsupported release fails the class naming the supported ones")
  void unsupportedRelease() {
    List<Throwable> failures =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(UnsupportedReleaseTestCase.class))
            .execute()
            .containerEvents()
            .failed()
            .stream()
            .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
            .toList();

    assertThat(failures)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f)
                    .isInstanceOf(ExtensionConfigurationException.class)
                    .hasMessageContaining(
                        "@KubeRayVersions on " + UnsupportedReleaseTestCase.class.getName())
                    .hasMessageContaining("'v9.9.9'")
                    .hasMessageContaining(KubeRayVersion.SUPPORTED.toString()));
  }

  @Tag("kuberay-fixture")
  @KubeRayVersions({"v1.1.0", "v1.5.0"})
  @KubeRayTest(ray = "off", clusters = @RayCluster(helmRelease = "raycluster"))
  static class TwoReleasesTestCase {
    @Test
    void records(
        KubeRayEnvironment environment,
        RayClusterHandle cluster,
        @KubeRayNamespace String namespace) {
      assertThat(cluster.name()).isEqualTo("raycluster-kuberay");
      String operatorImage =
          environment.operatorPod().orElseThrow().get().getSpec().getContainers().get(0).getImage();
      RUNS.add(List.of(environment.kuberayVersion().toString(), operatorImage, namespace));
    }
  }

  @Tag("kuberay-fixture")
  @KubeRayVersions({"v1.1.0", "v9.9.9"})
  @KubeRayTest(ray = "off")
  static class UnsupportedReleaseTestCase {
    @Test
    void neverRuns() {}
  }
}
