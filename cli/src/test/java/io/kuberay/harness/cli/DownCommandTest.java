package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DownCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private PrintStream stream(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("down is listed, has help, and rejects arguments")
  void helpAndUsage() {
    assertThat(Main.run(new String[] {"--help"}, stream(out), stream(err))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("down ");
    assertThat(Main.run(new String[] {"down", "--help"}, stream(out), stream(err))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(DownCommand.LABEL);
    assertThat(Main.run(new String[] {"down", "--all"}, stream(out), stream(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected argument '--all'");
  }

  @Test
  @DisplayName(
      "down removes a kept container (labelled as the k3s backend labels them) with its anonymous volume and says so;"
          + " then finds none")
  void removesKeptContainers() throws Exception {
    String value = "down-test-" + UUID.randomUUID().toString().substring(0, 8);
    // A container that is created, never started: the smallest local image will do.
    assumeTrue(
        docker("image", "inspect", "kuberay-harness/pause:3.9") == 0,
        "needs Docker and kuberay-harness/pause:3.9 (images/build-images.sh pause)");
    // With an anonymous volume, as the node image's VOLUMEs give every k3s container (its
    // containerd
    // store): down must not leave it behind.
    String id =
        output(
                "create",
                "--label",
                DownCommand.LABEL + "=" + value,
                "-v",
                "/var/lib/rancher/k3s",
                "kuberay-harness/pause:3.9")
            .strip();
    String volume = output("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", id).strip();
    assertThat(volume).as("the container's anonymous volume").isNotBlank();

    String filter = "label=" + DownCommand.LABEL + "=" + value;
    assertThat(DownCommand.remove(filter, stream(out), stream(err)))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Removed 1 kept k3s environment(s)");
    assertThat(docker("volume", "inspect", volume)).as("volume %s after down", volume).isNotZero();
    assertThat(DownCommand.remove(filter, stream(out), stream(err))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("No kept k3s environment");
  }

  private static String output(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "docker";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("docker %s finished", args[0]).isTrue();
    assertThat(p.exitValue()).as("docker %s exit code", String.join(" ", args)).isZero();
    return out;
  }

  private static int docker(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "docker";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return -1;
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
