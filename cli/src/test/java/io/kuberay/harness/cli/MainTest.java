package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheCommandsWithExamples() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("up ")
        .contains("./kuberay-harness up --kuberay")
        .contains("smoke ")
        .contains("./kuberay-harness smoke --kuberay v1.5.0");
  }

  @Test
  void smokeHelpAndUsageErrors() {
    assertThat(run("smoke", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--backend B")
        .contains("./kuberay-harness smoke --backend existing --context kind-kind");
    assertThat(run("smoke", "--kuberay", "v1.7.0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "there is no bundled tutorial scenario for KubeRay v1.7.0; use one of [v1.1.0, v1.5.0]");
    assertThat(run("smoke", "--backend", "minikube")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Unknown backend 'minikube'. Use one of: emulated, k3s, existing");
    assertThat(run("smoke", "--context")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--context needs a value");
  }

  @Test
  void upHelpShowsTheTutorialCommands() {
    assertThat(run("up", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--kubeconfig FILE")
        .contains("kubectl port-forward service/raycluster-kuberay-head-svc 8265:8265");
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertThat(run("nope")).isEqualTo(2);
    assertThat(run("up", "--nope")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'nope'")
        .contains("unknown option '--nope'");
  }

  @Test
  void upOptionsParseBothForms() {
    UpOptions o =
        UpOptions.parse(
            new String[] {
              "--kuberay", "v1.5.0", "--kubeconfig=/tmp/k", "--ray", "off", "--ready-timeout", "2m"
            });
    assertThat(o.kuberay()).isEqualTo(KubeRayVersion.V1_5_0);
    assertThat(o.kubeconfig()).isEqualTo(Path.of("/tmp/k"));
    assertThat(o.ray()).isEqualTo(RayMode.OFF);
    assertThat(o.readyTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(UpOptions.parse(new String[0]).kubeconfig())
        .isEqualTo(Path.of("kuberay-harness.kubeconfig"));
  }

  @Test
  void upNoClusterAndPort() {
    UpOptions o = UpOptions.parse(new String[] {"--no-cluster", "--port", "6443"});
    assertThat(o.noCluster()).isTrue();
    assertThat(o.port()).isEqualTo(6443);
    assertThat(UpOptions.parse(new String[] {"--port=0"}).port()).isZero();
    assertThat(UpOptions.parse(new String[0]).noCluster()).isFalse();
    assertThatThrownBy(() -> UpOptions.parse(new String[] {"--port", "http"}))
        .hasMessageContaining("--port 'http' is not a number");
    assertThatThrownBy(() -> UpOptions.parse(new String[] {"--port", "70000"}))
        .hasMessageContaining("70000 is not a port");
  }
}
