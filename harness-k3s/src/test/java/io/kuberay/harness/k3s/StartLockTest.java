package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.WaitTimeoutException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs starting one kept configuration: the second waits until the first has set it up; other
 * configurations do not wait. Another JVM plays the other run, as file locks are per process.
 */
class StartLockTest {

  private static final EnvironmentSettings V110 =
      EnvironmentSettings.defaults().withKuberayVersion(KubeRayVersion.V1_1_0);

  @TempDir Path dir;

  @Test
  void aSecondStartOfTheSameConfigurationWaitsForTheFirst() {
    StartLock first = StartLock.acquire(V110, dir, Duration.ofSeconds(5));
    CompletableFuture<StartLock> second =
        CompletableFuture.supplyAsync(() -> StartLock.acquire(V110, dir, Duration.ofSeconds(30)));
    try {
      assertThat(second)
          .as("waits while the first run sets up")
          .failsWithin(Duration.ofMillis(500))
          .withThrowableOfType(TimeoutException.class);

      try (StartLock other =
          StartLock.acquire(
              V110.withInstallMethod(InstallMethod.HELM), dir, Duration.ofSeconds(5))) {
        assertThat(other).as("another configuration does not wait").isNotNull();
      }

      first.close();
      assertThat(second).succeedsWithin(Duration.ofSeconds(10)).isNotNull();
    } finally {
      first.close();
      second.thenAccept(StartLock::close);
    }
  }

  @Test
  void aStartWaitsBoundedForAnotherJvmAndNotForADeadOne() throws Exception {
    Path file = dir.resolve("start-" + KubeRayVersion.V1_1_0 + "-KUSTOMIZE.lock");
    Process other = holdInAnotherJvm(file);
    try {
      assertThat(other.getInputStream().read()).as("the other JVM holds the lock").isEqualTo('L');
      assertThatThrownBy(() -> StartLock.acquire(V110, dir, Duration.ofSeconds(1)))
          .isInstanceOf(WaitTimeoutException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("another run is starting or setting up the kept k3s environment");
    } finally {
      other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // The killed run's lock went with its process.
    StartLock.acquire(V110, dir, Duration.ofSeconds(5)).close();
  }

  /** A JVM that holds {@code file}, prints 'L' and blocks on its stdin until killed. */
  private static Process holdInAnotherJvm(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path source = file.resolveSibling("Hold.java");
    Files.writeString(
        source,
        "import java.nio.channels.*; import java.nio.file.*;\n"
            + "class Hold { public static void main(String[] a) throws Exception {\n"
            + " FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);\n"
            + " c.lock(); System.out.print('L'); System.out.flush();\n"
            + " System.in.read(); } }\n");
    return new ProcessBuilder(List.of(java, source.toString(), file.toString()))
        .redirectError(new File(file.getParent().toFile(), "hold.err"))
        .start();
  }
}
