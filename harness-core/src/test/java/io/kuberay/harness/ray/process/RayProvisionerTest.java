package io.kuberay.harness.ray.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RayProvisionerTest {

  @Test
  void compilesAVenvsModulesInPlaceAndMarksIt(@TempDir Path venv) throws Exception {
    // A venv's shape: bin/python and a module under lib/ (uv installs without bytecode).
    Files.createDirectories(venv.resolve("bin"));
    Files.createSymbolicLink(venv.resolve("bin/python"), Path.of(python3()));
    Path module = venv.resolve("lib/python3/site-packages/pkg/mod.py");
    Files.createDirectories(module.getParent());
    Files.writeString(module, "VALUE = 42\n");

    RayProvisioner.compileBytecode(venv);

    try (Stream<Path> files = Files.walk(module.getParent().resolve("__pycache__"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("mod.") && n.endsWith(".pyc"));
    }
    assertThat(venv.resolve(RayProvisioner.BYTECODE_MARKER)).exists();
  }

  /** The real interpreter behind {@code python3} (which may be a pyenv shim). */
  private static String python3() {
    return LocalExec.of(List.of("python3", "-c", "import sys; print(sys.executable)"))
        .withTimeout(Duration.ofSeconds(30))
        .run()
        .stdout()
        .trim();
  }
}
