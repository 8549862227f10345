package io.kuberay.harness.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13's rule: no package of any module's {@code src/main/java} holds more than {@value
 * #LIMIT} Java files ({@code package-info.java} counted), so that a package stays one role a reader
 * can take in. A package that grows past it is split by role into sub-packages (as {@code
 * emulated.node} into {@code runtime} and {@code sandbox}).
 */
class PackageSizeTest {

  static final int LIMIT = 25;

  @Test
  @DisplayName("no package under any module's src/main/java holds more than 25 .java files")
  void noPackageTooLarge() throws IOException {
    Map<String, Long> sizes = packageSizes(Checkout.root());
    assertThat(sizes).as("packages under %s", Checkout.root()).hasSizeGreaterThan(10);
    assertThat(oversized(sizes, LIMIT))
        .as(
            "packages (module/src/main/java/package=count) over %d .java files; split each by role"
                + " into sub-packages (docs/ARCHITECTURE.md)",
            LIMIT)
        .isEmpty();
  }

  @Test
  @DisplayName(
      "the check counts each src/main/java directory's own .java files, not its children's")
  void checkCountsPerDirectory(@TempDir Path root) throws IOException {
    Path big = Files.createDirectories(root.resolve("m/src/main/java/a/b"));
    Path child = Files.createDirectories(big.resolve("c"));
    for (int i = 0; i < 3; i++) {
      Files.writeString(big.resolve("T" + i + ".java"), "");
      Files.writeString(child.resolve("T" + i + ".java"), "");
    }
    Files.writeString(big.resolve("notes.md"), "");
    Files.createDirectories(root.resolve("m/src/test/java/a/b"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(root.resolve("m/src/test/java/a/b/T" + i + "Test.java"), "");
    }
    Map<String, Long> sizes = packageSizes(root);
    assertThat(sizes)
        .containsOnly(Map.entry("m/src/main/java/a/b", 3L), Map.entry("m/src/main/java/a/b/c", 3L));
    assertThat(oversized(sizes, 2))
        .containsExactly("m/src/main/java/a/b=3", "m/src/main/java/a/b/c=3");
  }

  static List<String> oversized(Map<String, Long> sizes, int limit) {
    return sizes.entrySet().stream()
        .filter(e -> e.getValue() > limit)
        .map(e -> e.getKey() + "=" + e.getValue())
        .toList();
  }

  /**
   * Each directory under a {@code src/main/java} (outside target/ and dot dirs) → its own .java
   * count.
   */
  static Map<String, Long> packageSizes(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".java"))
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p.getParent()).toString().replace('\\', '/'))
          .filter(
              dir ->
                  ("/" + dir + "/").contains("/src/main/java/")
                      && !("/" + dir + "/").contains("/target/")
                      && !dir.startsWith("."))
          .collect(Collectors.groupingBy(dir -> dir, TreeMap::new, Collectors.counting()));
    }
  }
}
