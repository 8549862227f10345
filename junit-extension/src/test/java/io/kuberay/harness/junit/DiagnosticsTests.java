package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.WaitTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.Events;

@DisplayName(
    "@KubeRayTest writes a diagnostics bundle when something fails and names it in the failure")
class DiagnosticsTests {

  @Test
  @DisplayName(
      "a failing test gets target/kuberay-diagnostics/<class>/<method> with clusters, pods, events and logs, also published as its file entry")
  void failingTest(@TempDir Path reports) throws IOException {
    Events events = EngineRuns.run(FailingTestCase.class, reports).testEvents();
    List<Throwable> failures = EngineRuns.failures(events);

    Path bundle = bundle(FailingTestCase.class, "fails");
    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f)
                  .isInstanceOf(AssertionError.class)
                  .hasMessageContaining("the test's own failure");
              assertThat(f.getSuppressed())
                  .singleElement()
                  .satisfies(s -> assertThat(s).hasMessage("KubeRay diagnostics: " + bundle));
            });
    assertThat(Files.readString(bundle.resolve("rayclusters.yaml")))
        .contains("name: \"raycluster-kuberay\"")
        .contains("state: \"ready\"");
    assertThat(Files.readString(bundle.resolve("pods.yaml")))
        .contains("raycluster-kuberay-head-")
        .contains("raycluster-kuberay-worker-workergroup-");
    assertThat(Files.readString(bundle.resolve("events.txt")))
        .contains("RayCluster/raycluster-kuberay");
    try (Stream<Path> logs = Files.list(bundle.resolve("logs"))) {
      assertThat(logs.map(p -> p.getFileName().toString()))
          .contains("operator.log")
          .anySatisfy(
              name -> assertThat(name).matches("raycluster-kuberay-head-[a-z0-9]{5}\\.log"));
    }
    // The same bundle, published through JUnit's file publishing as the failed test's file entry.
    assertThat(events.fileEntryPublished().list())
        .singleElement()
        .satisfies(
            event -> {
              FileEntry entry = event.getRequiredPayload(FileEntry.class);
              assertThat(entry.getPath())
                  .startsWith(reports)
                  .endsWith(Path.of(KubeRayExtension.PUBLISHED_DIRECTORY));
              assertThat(entry.getPath().resolve("rayclusters.yaml"))
                  .hasSameTextualContentAs(bundle.resolve("rayclusters.yaml"));
              assertThat(entry.getPath().resolve("logs/operator.log")).isRegularFile();
            });
  }

  @Test
  @DisplayName("a failing @BeforeEach gets <class>/<method>-beforeEach")
  void failingBeforeEach() {
    List<Throwable> failures =
        EngineRuns.failures(EngineRuns.run(FailingBeforeEachTestCase.class).testEvents());

    assertThat(failures)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.getSuppressed())
                    .singleElement()
                    .satisfies(
                        s ->
                            assertThat(s)
                                .hasMessage(
                                    "KubeRay diagnostics: "
                                        + bundle(
                                            FailingBeforeEachTestCase.class, "test-beforeEach"))));
  }

  @Test
  @DisplayName(
      "a cluster that is not ready in time fails the class, with a bundle under <class>/beforeAll")
  void clusterNotReady() {
    List<Throwable> failures =
        EngineRuns.failures(EngineRuns.run(NotReadyTestCase.class).containerEvents());

    Path bundle = bundle(NotReadyTestCase.class, "beforeAll");
    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f).isInstanceOf(WaitTimeoutException.class);
              assertThat(f.getSuppressed())
                  .singleElement()
                  .satisfies(s -> assertThat(s).hasMessage("KubeRay diagnostics: " + bundle));
            });
    assertThat(bundle.resolve("rayclusters.yaml")).content().contains("name: \"slow\"");
  }

  private static Path bundle(Class<?> testClass, String step) {
    return Path.of(KubeRayTest.DEFAULT_DIAGNOSTICS_DIR, testClass.getName(), step).toAbsolutePath();
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(helmRelease = "raycluster"))
  static class FailingTestCase {
    @Test
    void fails() {
      assertThat("the test's own failure").isEmpty();
    }
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off")
  static class FailingBeforeEachTestCase {
    @BeforeEach
    void setUp() {
      throw new IllegalStateException("set-up failed");
    }

    @Test
    void test() {}
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(ray = "off", clusters = @RayCluster(name = "slow", readyTimeout = "1ms"))
  static class NotReadyTestCase {
    @Test
    void neverRuns() {}
  }
}
