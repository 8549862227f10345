package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {

  @TempDir
  Path parent;

  @Test
  @DisplayName("a directory whose owner JVM is gone is removed; one of a live JVM, or without an owner file, stays")
  void reclaimsOnlyAbandoned() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path abandoned = owned("kuberay-harness-1", TempDirs.ownerLine(gone.toHandle()));
    Files.writeString(abandoned.resolve("kubeconfig"), "x");
    Path live = owned("kuberay-harness-2", TempDirs.ownerLine(ProcessHandle.current()));
    Path reusedPid = owned("kuberay-harness-3", ProcessHandle.current().pid() + " 2001-01-01T00:00:00Z");
    Path foreign = Files.createDirectory(parent.resolve("kuberay-harness-4"));
    Path otherPrefix = owned("something-else", TempDirs.ownerLine(gone.toHandle()));

    assertThat(TempDirs.reclaimAbandoned(parent)).isEqualTo(2);

    assertThat(abandoned).doesNotExist();
    assertThat(reusedPid).as("same pid, another start time: another process").doesNotExist();
    assertThat(live).exists();
    assertThat(foreign).exists();
    assertThat(otherPrefix).exists();
  }

  @Test
  @DisplayName("an environment's directory holds its kubeconfig and an owner file, and is gone after close")
  void environmentDirectory() {
    Path kubeconfig;
    try (KubeRayEnvironment env = KubeRayEnvironment.builder().rayMode(RayMode.OFF).startExactly()) {
      kubeconfig = env.kubeconfig();
      assertThat(kubeconfig.getParent().getFileName().toString()).startsWith(TempDirs.PREFIX);
      assertThat(kubeconfig.resolveSibling(".owner")).content().isEqualTo(TempDirs.ownerLine(ProcessHandle.current()));
    }
    assertThat(kubeconfig.getParent()).doesNotExist();
  }

  private Path owned(String name, String owner) throws Exception {
    Path dir = Files.createDirectory(parent.resolve(name));
    Files.writeString(dir.resolve(".owner"), owner);
    return dir;
  }
}
