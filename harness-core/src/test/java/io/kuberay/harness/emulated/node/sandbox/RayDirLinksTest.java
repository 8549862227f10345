package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RayDirLinksTest {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "links every entry of the temp dir; session_latest leads straight to the session, not through Ray's own link")
  void linksEntries() throws Exception {
    Path pod = Files.createDirectories(dir.resolve("pod"));
    Path temp = Files.createDirectories(dir.resolve("krh-1"));

    RayDirLinks.link(pod, temp);
    assertThat(pod)
        .as("nothing before Ray made anything: no link leads nowhere")
        .isEmptyDirectory();

    Path session = Files.createDirectories(temp.resolve("session_1"));
    Files.createSymbolicLink(temp.resolve("session_latest"), session);
    Files.writeString(temp.resolve("ray_current_cluster"), "127.0.0.1:6379");
    RayDirLinks.link(pod, temp);
    assertThat(Files.readSymbolicLink(pod.resolve("session_1"))).isEqualTo(session);
    assertThat(Files.readSymbolicLink(pod.resolve("session_latest"))).isEqualTo(session);
    assertThat(pod.resolve("ray_current_cluster")).hasContent("127.0.0.1:6379");

    // A worker of the same cluster remakes Ray's session_latest: the pod's link still leads there.
    Files.delete(temp.resolve("session_latest"));
    assertThat(pod.resolve("session_latest")).isDirectory();
    Files.createSymbolicLink(temp.resolve("session_latest"), Path.of("session_1"));
    RayDirLinks.link(pod, temp);
    assertThat(Files.readSymbolicLink(pod.resolve("session_latest"))).isEqualTo(session);
  }

  @Test
  @DisplayName(
      "a restarted head's new temp dir replaces the old links; dangling ones into the old dir go; real files stay")
  void restartedHead() throws Exception {
    Path pod = Files.createDirectories(dir.resolve("pod"));
    Path old = Files.createDirectories(dir.resolve("krh-1"));
    Files.createSymbolicLink(
        old.resolve("session_latest"), Files.createDirectories(old.resolve("session_1")));
    RayDirLinks.link(pod, old);
    Files.writeString(pod.resolve("mine.txt"), "user's");
    deleteTree(old);

    Path fresh = Files.createDirectories(dir.resolve("krh-2"));
    Files.createSymbolicLink(
        fresh.resolve("session_latest"), Files.createDirectories(fresh.resolve("session_2")));
    RayDirLinks.link(pod, fresh);

    assertThat(Files.readSymbolicLink(pod.resolve("session_latest")))
        .isEqualTo(fresh.resolve("session_2"));
    assertThat(pod.resolve("session_1")).doesNotExist();
    assertThat(Files.isSymbolicLink(pod.resolve("session_1"))).isFalse();
    assertThat(pod.resolve("session_2")).isDirectory();
    assertThat(pod.resolve("mine.txt")).hasContent("user's");
  }

  private static void deleteTree(Path p) throws Exception {
    try (var walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
