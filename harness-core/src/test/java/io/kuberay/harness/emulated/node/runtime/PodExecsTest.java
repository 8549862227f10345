package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kuberay.harness.backend.ExecProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed execs: a real terminal that resizes, and commands that die with their pod. */
class PodExecsTest {

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("default")
          .withName("p")
          .endMetadata()
          .build();

  private final PodExecs execs = new PodExecs();

  @AfterEach
  void close() {
    execs.close();
  }

  @Test
  void aTerminalIsARealPseudoTerminalThatResizes() throws Exception {
    assumeThat(PodExecs.realTerminals()).as("util-linux script on the PATH").isTrue();
    ExecProcess p =
        execs.start(
            POD, command("sh", "-c", "tty; sleep 1; stty size; echo err >&2; exit 7"), true);
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.stdout().readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    p.resize(123, 45);

    assertThat(p.waitFor()).isEqualTo(7);
    String text = new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    assertThat(text).contains("/dev/pts/").contains("45 123\r\n").contains("err\r\n");
    assertThat(p.stderr().readAllBytes()).isEmpty();
  }

  @Test
  void execsDieWithTheirPod() throws Exception {
    ExecProcess p = execs.start(POD, command("sleep", "60"), false);
    assertThat(execs.pids()).hasSize(1);

    execs.stop("default", "p");

    // SIGTERM: 128 + 15
    assertThat(exitWithin(p, Duration.ofSeconds(30))).isEqualTo(143);
    assertThat(execs.pids()).isEmpty();
  }

  private static int exitWithin(ExecProcess p, Duration limit) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.waitFor();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            })
        .get(limit.toSeconds(), TimeUnit.SECONDS);
  }

  private static ContainerCommand command(String... words) {
    return new ContainerCommand(List.of(words), Map.of());
  }
}
