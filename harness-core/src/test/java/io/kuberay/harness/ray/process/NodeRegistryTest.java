package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRegistryTest {

  @Test
  void laterStartCleansUpWhatAKilledJvmLeftBehind(@TempDir Path dir) throws Exception {
    Path stateDir = dir.resolve("ray-nodes");
    Path leakedTemp = Files.createDirectories(dir.resolve("krh-leaked/session_x/sockets"));
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "sleep 300 & sleep 300");
    pb.environment().put(NodeRegistry.MARKER_ENV, "leaked1");
    Process leaked = pb.start();
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor();
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("leaked1.properties"),
        String.join(
            "\n",
            "nodeId=leaked1",
            "name=rc-head-leaked",
            "pid=" + leaked.pid(),
            "start=" + NodeRegistry.startMillis(leaked.toHandle()),
            "ownerPid=" + deadOwner.pid(),
            "ownerStart=1",
            "tempDir=" + dir.resolve("krh-leaked")));
    // bash forks its two sleeps a moment after it starts: take the tree once all three exist.
    List<ProcessHandle> tree =
        Awaitility.await("bash and its two sleeps")
            .atMost(Duration.ofSeconds(10))
            .until(() -> List.copyOf(ProcessTree.snapshot(leaked.toHandle())), t -> t.size() == 3);

    List<String> reclaimed = new NodeRegistry(stateDir).reclaimOrphans();

    assertThat(reclaimed).singleElement().asString().contains("rc-head-leaked");
    // Killed processes whose parent died may linger as zombies where pid 1 does not reap: dead all
    // the same.
    Awaitility.await("leaked processes " + tree)
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(tree).noneMatch(ProcessTree::running));
    assertThat(leakedTemp.getParent().getParent()).doesNotExist();
    assertThat(stateDir.resolve("leaked1.properties")).doesNotExist();
  }

  @Test
  void nodesOfLiveOwnersAreLeftAlone(@TempDir Path dir) throws Exception {
    NodeRegistry registry = new NodeRegistry(dir);
    Process mine = new ProcessBuilder("sleep", "300").start();
    try {
      registry.record("live1", mine.toHandle(), "rc-head-live", null);

      assertThat(registry.reclaimOrphans()).isEmpty();
      assertThat(mine.isAlive()).isTrue();
    } finally {
      ProcessTree.terminateTree(mine.toHandle(), Duration.ofSeconds(1));
      registry.forget("live1");
    }
    assertThat(dir.resolve("live1.properties")).doesNotExist();
  }

  @Test
  void markedProcessesAreFoundByTheirEnvironment() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sleep", "300");
    pb.environment().put(NodeRegistry.MARKER_ENV, "findme42");
    Process p = pb.start();
    try {
      assertThat(NodeRegistry.markedProcesses("findme42"))
          .extracting(ProcessHandle::pid)
          .containsExactly(p.pid());
      assertThat(NodeRegistry.markedProcesses("findme4")).isEmpty();
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void oldRayTempDirsThatNoNodeOrProcessNamesAreRemoved(@TempDir Path dir) throws Exception {
    Path stateDir = dir.resolve("ray-nodes");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    Path abandoned = Files.createDirectories(tmp.resolve("krh-abandone/session_x"));
    Files.setLastModifiedTime(abandoned.getParent(), twoHoursAgo);
    Path fresh = Files.createDirectories(tmp.resolve("krh-fresh000"));
    Path registered = Files.createDirectories(tmp.resolve("krh-register"));
    Files.setLastModifiedTime(registered, twoHoursAgo);
    Path inUse = Files.createDirectories(tmp.resolve("krh-inuse000"));
    Files.setLastModifiedTime(inUse, twoHoursAgo);
    Path standbyLog = Files.writeString(tmp.resolve("krh-standby-1.log"), "x");
    Files.setLastModifiedTime(standbyLog, twoHoursAgo);
    Path unrelated = Files.createDirectories(tmp.resolve("other-dir"));
    Files.setLastModifiedTime(unrelated, twoHoursAgo);
    NodeRegistry registry = new NodeRegistry(stateDir);
    registry.record("register", ProcessHandle.current(), "rc-head", registered);
    // A node of a JVM with another registry: its processes name the dir (Ray's --temp-dir); here
    // bash's $0.
    Process user =
        new ProcessBuilder("bash", "-c", "sleep 300; true", "--temp-dir=" + inUse).start();
    try {
      Awaitility.await("bash to show " + inUse + " in its command line")
          .atMost(Duration.ofSeconds(10))
          .until(() -> NodeRegistry.namedByALiveProcess(inUse));
      assertThat(registry.removeUnreferenced(tmp, Duration.ofHours(1))).isEqualTo(1);
    } finally {
      ProcessTree.terminateTree(user.toHandle(), Duration.ofSeconds(1));
    }

    assertThat(abandoned.getParent()).doesNotExist();
    assertThat(fresh).exists();
    assertThat(registered).exists();
    assertThat(inUse).exists();
    assertThat(standbyLog).as("standby logs are the registry's (reclaimOrphans)").exists();
    assertThat(unrelated).exists();
  }
}
