package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.ExecResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExecTest {

  @Test
  void capturesStdoutStderrExitCodeWithEnvAndDirectory(@TempDir Path dir) throws Exception {
    ExecResult r =
        LocalExec.of(List.of("bash", "-c", "echo out-$GREETING; pwd; echo err >&2; exit 3"))
            .withEnv(Map.of("GREETING", "hi"))
            .inDirectory(dir)
            .run();

    assertThat(r.stdout()).isEqualTo("out-hi\n" + dir.toRealPath().toString() + "\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
  }

  @Test
  void timeoutKillsTheWholeTreeAndReports124() {
    ExecResult r =
        LocalExec.of(List.of("bash", "-c", "echo started; sleep 300 & sleep 300; echo never"))
            .withTimeout(Duration.ofMillis(700))
            .run();

    assertThat(r.exitCode()).isEqualTo(LocalExec.TIMEOUT_EXIT_CODE);
    assertThat(r.stdout()).isEqualTo("started\n");
    assertThat(r.stderr()).contains("timed out after PT0.7S");
    assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void cleanEnvironmentHasOnlyTheGivenVariables() {
    ExecResult r =
        LocalExec.of(List.of("/usr/bin/env"))
            .withoutInheritedEnv()
            .withEnv(Map.of("ONLY", "1"))
            .run();

    assertThat(r.stdout().strip()).isEqualTo("ONLY=1");
  }
}
