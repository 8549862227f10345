package io.kuberay.harness.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository checkout a test runs in, for tests that read the project's own files (sources,
 * READMEs).
 */
public final class Checkout {

  private Checkout() {}

  /**
   * The reactor root: the nearest ancestor of the working directory holding pom.xml, README.md and
   * harness-core.
   */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isRegularFile(p.resolve("README.md"))
          && Files.isDirectory(p.resolve("harness-core"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no project root (a directory with pom.xml, README.md and harness-core/) above "
            + Path.of("").toAbsolutePath()
            + "; run the test from inside the checkout");
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
