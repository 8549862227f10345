package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsUpWithExamples() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("up ").contains("./kuberay-harness up --kuberay").doesNotContain("smoke");
  }

  @Test
  void upHelpShowsTheTutorialCommands() {
    assertThat(run("up", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--kubeconfig FILE").contains("kubectl port-forward service/raycluster-kuberay-head-svc 8265:8265");
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertThat(run("nope")).isEqualTo(2);
    assertThat(run("up", "--nope")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'nope'").contains("unknown option '--nope'");
  }

  @Test
  void upOptionsParseBothForms() {
    UpOptions o = UpOptions.parse(new String[] {"--kuberay", "v1.5.0", "--kubeconfig=/tmp/k", "--ray", "off", "--ready-timeout", "2m"});
    assertThat(o.kuberay()).isEqualTo(KubeRayVersion.V1_5_0);
    assertThat(o.kubeconfig()).isEqualTo(Path.of("/tmp/k"));
    assertThat(o.ray()).isEqualTo(RayMode.OFF);
    assertThat(o.readyTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(UpOptions.parse(new String[0]).kubeconfig()).isEqualTo(Path.of("kuberay-harness.kubeconfig"));
  }
}
