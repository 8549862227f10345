package io.kuberay.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.TestAbortedException;

/**
 * Runs in the surefire execution {@code without-docker} (DOCKER_HOST pointing nowhere): selecting
 * k3s without a Docker engine is a configuration problem reported within seconds, not a hang.
 */
@DisplayName("@KubeRayTest(backend = \"k3s\") without a Docker engine")
class WithoutDockerTests {

  @Test
  @DisplayName(
      "fails the class with ExtensionConfigurationException saying what is missing and the fix")
  void k3sWithoutDocker() {
    assumeTrue(
        String.valueOf(System.getenv("DOCKER_HOST")).contains("nonexistent"),
        "runs in the without-docker surefire execution, where DOCKER_HOST points nowhere");
    long start = System.nanoTime();
    EngineExecutionResults results = EngineRuns.run(K3sTestCase.class);
    assertThat(EngineRuns.failures(results.containerEvents()))
        .singleElement(THROWABLE)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageStartingWith(
            "@KubeRayTest on "
                + K3sTestCase.class.getName()
                + ": expected a machine that can run the k3s backend, but found The k3s backend needs a Docker engine, but Docker at unix:///nonexistent/docker.sock is not reachable")
        .hasMessageContaining("Fix: Start Docker");
    assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(20);
  }

  @Test
  @DisplayName("with kuberay.backend.optional=true, aborts the class instead, with the same reason")
  void optionalK3sWithoutDocker() {
    assumeTrue(
        String.valueOf(System.getenv("DOCKER_HOST")).contains("nonexistent"),
        "runs in the without-docker surefire execution, where DOCKER_HOST points nowhere");
    System.setProperty("kuberay.backend.optional", "true");
    try {
      EngineExecutionResults results = EngineRuns.run(K3sTestCase.class);
      assertThat(EngineRuns.failures(results.containerEvents())).isEmpty();
      assertThat(
              results.containerEvents().aborted().stream()
                  .map(
                      e ->
                          e.getPayload(TestExecutionResult.class)
                              .flatMap(TestExecutionResult::getThrowable)
                              .orElseThrow()))
          .singleElement(THROWABLE)
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining(
              "Skipped " + K3sTestCase.class.getName() + ": the k3s backend cannot start here")
          .hasMessageContaining("Docker at unix:///nonexistent/docker.sock is not reachable");
    } finally {
      System.clearProperty("kuberay.backend.optional");
    }
  }

  @Tag("kuberay-fixture")
  @KubeRayTest(backend = "k3s", ray = "off")
  static class K3sTestCase {
    @Test
    void neverRuns() {}
  }
}
