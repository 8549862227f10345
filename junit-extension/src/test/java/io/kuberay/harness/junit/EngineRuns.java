package io.kuberay.harness.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs {@code *TestCase} fixtures on the Jupiter engine and hands back their failures. */
final class EngineRuns {

  private EngineRuns() {}

  static EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
  }

  /**
   * Runs the fixture with JUnit's published files going to a directory per test under {@code
   * outputRoot}.
   */
  static EngineExecutionResults run(Class<?> fixture, Path outputRoot) {
    OutputDirectoryCreator creator =
        new OutputDirectoryCreator() {
          @Override
          public Path getRootDirectory() {
            return outputRoot;
          }

          @Override
          public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
            return Files.createDirectories(
                outputRoot.resolve(
                    descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9.-]", "_")));
          }
        };
    return EngineTestKit.engine("junit-jupiter")
        .outputDirectoryCreator(creator)
        .selectors(selectClass(fixture))
        .execute();
  }

  static List<Throwable> failures(Events events) {
    return events.failed().stream()
        .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
        .toList();
  }
}
