package io.kuberay.harness.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one kept container: the one that is alone may sweep, not while another holds the
 * lock; a run that dies gives it back. Another JVM plays the other run, as file locks are per
 * process.
 */
class ReuseLockTest {

  @TempDir Path dir;

  @Test
  void aRunSweepsOnlyWhenNoOtherRunHoldsTheContainer() throws Exception {
    Path file = dir.resolve("config.lock");
    try (ReuseLock mine = ReuseLock.at(file)) {
      assertThat(mine.tryAlone()).as("no other run").isTrue();
      mine.share(Duration.ofSeconds(5));

      Process other = holdSharedInAnotherJvm(file);
      try {
        assertThat(other.getInputStream().read()).as("the other JVM holds the lock").isEqualTo('L');
        assertThat(mine.tryAlone()).as("another run uses the container").isFalse();
        mine.share(Duration.ofSeconds(5));
      } finally {
        other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      // The killed run's lock went with its process.
      assertThat(mine.tryAlone()).isTrue();
    }
  }

  @Test
  void backendsOfOneJvmShareOneHoldAndCountAsOtherRuns() {
    Path file = dir.resolve("same.lock");
    try (ReuseLock first = ReuseLock.at(file)) {
      first.share(Duration.ofSeconds(5));
      try (ReuseLock second = ReuseLock.at(file)) {
        second.share(Duration.ofSeconds(5));
        assertThat(first.tryAlone()).isFalse();
        assertThat(second.tryAlone()).isFalse();
      }
      assertThat(first.tryAlone()).as("the second backend closed").isTrue();
      first.share(Duration.ofSeconds(5));
    }
  }

  /** A JVM that holds {@code file} shared, prints 'L' and blocks on its stdin until killed. */
  private static Process holdSharedInAnotherJvm(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path source = file.resolveSibling("Hold.java");
    Files.writeString(
        source,
        "import java.nio.channels.*; import java.nio.file.*;\n"
            + "class Hold { public static void main(String[] a) throws Exception {\n"
            + " FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);\n"
            + " c.lock(0, Long.MAX_VALUE, true); System.out.print('L'); System.out.flush();\n"
            + " System.in.read(); } }\n");
    return new ProcessBuilder(List.of(java, source.toString(), file.toString()))
        .redirectError(new File(file.getParent().toFile(), "hold.err"))
        .start();
  }
}
