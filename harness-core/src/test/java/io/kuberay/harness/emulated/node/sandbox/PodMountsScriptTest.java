package io.kuberay.harness.emulated.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import io.kuberay.harness.ray.process.LocalExec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod's mount script when the host's directory changes under it. A stand-in {@code mount} on
 * the PATH plays the race: it removes one entry's source just before binding it, as another process
 * removing its temp dir from a shared {@code /tmp} does. No namespace is needed: the stand-in
 * mounts nothing.
 */
class PodMountsScriptTest {

  @TempDir Path dir;

  @Test
  void anEntryRemovedBetweenTheListingAndItsMountIsLeftOut() throws IOException {
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(host.resolve("kept"));
    Files.createDirectories(host.resolve("vanishing"));
    Path src = Files.createDirectories(dir.resolve("volume"));

    ExecResult r = run(host.resolve("missing/mnt"), src, "vanishing", true);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(dir.resolve("state/m1/kept")).isDirectory();
    assertThat(dir.resolve("state/m1/vanishing")).doesNotExist();
  }

  @Test
  void aFailedMountOfAnEntryThatStillExistsFailsTheScript() throws IOException {
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(host.resolve("stubborn"));
    Path src = Files.createDirectories(dir.resolve("volume"));

    ExecResult r = run(host.resolve("missing/mnt"), src, "stubborn", false);

    assertThat(r.exitCode()).isNotZero();
  }

  /**
   * Mounts {@code src} at {@code target} with a stand-in {@code mount} that fails for the entry
   * named {@code doomed}, after removing it when {@code remove}.
   */
  private ExecResult run(Path target, Path src, String doomed, boolean remove) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path mount = bin.resolve("mount");
    Files.writeString(
        mount,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case \"$a\" in */"
            + doomed
            + ") "
            + (remove ? "rm -rf \"$a\"; " : "")
            + "echo \"mount: $a: special device does not exist\" >&2; exit 32 ;; esac; done\n"
            + "exit 0\n");
    Files.setPosixFilePermissions(mount, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = dir.resolve("pod-mounts.sh");
    try (InputStream in = PodSandbox.class.getResourceAsStream("pod-mounts.sh")) {
      Files.write(script, in.readAllBytes());
    }
    Path plan = dir.resolve("plan");
    Files.writeString(plan, "rw\t" + src + "\t" + target + "\n");
    return LocalExec.of(
            List.of("sh", script.toString(), dir.resolve("state").toString(), plan.toString()))
        .withEnv(Map.of("PATH", bin + ":" + System.getenv("PATH")))
        .withTimeout(Duration.ofSeconds(30))
        .run();
  }
}
