package io.kuberay.harness.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {

  /** Holds a POSIX lock on the file named by argv[1] (as the JDK's FileLock does) until killed. */
  private static final String HOLD_LOCK =
      "import fcntl, sys, time\n"
          + "f = open(sys.argv[1], 'r+'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)";

  /** Exit 0 if the file named by argv[1] can be locked now, 1 if another process holds it. */
  private static final String TRY_LOCK =
      "import fcntl, sys\n"
          + "f = open(sys.argv[1], 'r+')\n"
          + "try:\n  fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n  sys.exit(1)";

  @TempDir Path parent;

  @Test
  @DisplayName(
      "a directory whose owner lock nobody holds is removed; one locked by a live process, a fresh one without owner file, or another name stays")
  void reclaimsOnlyAbandoned() throws Exception {
    Path abandoned = withOwnerFile("kuberay-harness-1");
    Files.writeString(abandoned.resolve("kubeconfig"), "x");
    Path held = withOwnerFile("kuberay-harness-2");
    Path freshUnowned = Files.createDirectory(parent.resolve("kuberay-harness-3"));
    Path oldUnowned = Files.createDirectory(parent.resolve("kuberay-harness-4"));
    Files.setLastModifiedTime(oldUnowned, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path otherName = withOwnerFile("something-else");
    Process holder =
        new ProcessBuilder("python3", "-c", HOLD_LOCK, held.resolve(".owner").toString()).start();
    try {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(out.readLine()).isEqualTo("locked");
        assertThat(TempDirs.reclaimAbandoned(parent)).isEqualTo(2);
      }
      assertThat(abandoned).doesNotExist();
      assertThat(oldUnowned).doesNotExist();
      assertThat(held).exists();
      assertThat(freshUnowned).exists();
      assertThat(otherName).exists();
    } finally {
      holder.destroyForcibly().waitFor();
    }
    assertThat(TempDirs.reclaimAbandoned(parent)).as("the holder is gone").isEqualTo(1);
    assertThat(held).doesNotExist();
  }

  @Test
  @DisplayName(
      "an empty, unlocked owner file is another JVM's directory being created: it stays while fresh and goes once old")
  void anOwnerFileBeingCreatedIsNotAbandoned() throws Exception {
    Path creating = Files.createDirectory(parent.resolve("kuberay-harness-5"));
    Path owner = Files.createFile(creating.resolve(".owner"));

    assertThat(TempDirs.reclaimAbandoned(parent)).isZero();
    assertThat(creating).exists();

    Files.setLastModifiedTime(owner, FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
    assertThat(TempDirs.reclaimAbandoned(parent)).isEqualTo(1);
    assertThat(creating).doesNotExist();
  }

  @Test
  @DisplayName(
      "an environment's directory holds its kubeconfig and a locked owner file, and is gone after close")
  void environmentDirectory() throws Exception {
    Path kubeconfig;
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().rayMode(RayMode.OFF).startExactly()) {
      kubeconfig = env.kubeconfig();
      Path owner = kubeconfig.resolveSibling(TempDirs.OWNER_FILE);
      assertThat(kubeconfig.getParent().getFileName().toString()).startsWith(TempDirs.PREFIX);
      assertThat(new ProcessBuilder("python3", "-c", TRY_LOCK, owner.toString()).start().waitFor())
          .as("another process cannot take the owner lock")
          .isEqualTo(1);
      // Last: POSIX drops a process's lock on a file when it closes any descriptor of it, as
      // reading it here does.
      assertThat(owner).content().startsWith("pid " + ProcessHandle.current().pid() + ", started ");
    }
    assertThat(kubeconfig.getParent()).doesNotExist();
  }

  private Path withOwnerFile(String name) throws Exception {
    Path dir = Files.createDirectory(parent.resolve(name));
    Files.writeString(dir.resolve(".owner"), "pid 1, started ?\n");
    return dir;
  }
}
