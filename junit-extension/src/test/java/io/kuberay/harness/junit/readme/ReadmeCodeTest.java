package io.kuberay.harness.junit.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.architecture.Checkout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Java examples of the READMEs are compiled and run: each fenced {@code java} block must equal,
 * up to whitespace, a region of a test source between {@code // mirrors README.md: begin} and
 * {@code // mirrors README.md: end}, and each such region must still be in a README.
 */
class ReadmeCodeTest {

  private static final List<String> READMES = List.of("README.md", "cucumber-steps/README.md");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
  private static final Pattern MIRROR =
      Pattern.compile(
          "(?ms)^[ \\t]*// mirrors README\\.md: begin\\n(.*?)^[ \\t]*// mirrors README\\.md: end");

  @Test
  @DisplayName(
      "every java block of the READMEs is a marked region of a compiled test, and the other way round")
  void readmeBlocksAreCompiledTests() throws IOException {
    Path root = Checkout.root();
    List<String> blocks = new ArrayList<>();
    for (String readme : READMES) {
      blocks.addAll(regions(JAVA_BLOCK, Checkout.read(root.resolve(readme))));
    }
    List<String> mirrored = new ArrayList<>();
    try (Stream<Path> tests = Files.walk(root.resolve("junit-extension/src/test/java"))) {
      tests
          .filter(p -> p.toString().endsWith(".java"))
          .forEach(p -> mirrored.addAll(regions(MIRROR, Checkout.read(p))));
    }
    assertThat(blocks).as("java blocks in %s", READMES).isNotEmpty();
    assertThat(mirrored)
        .as(
            "regions marked '// mirrors README.md' in junit-extension's tests against the READMEs' java blocks; "
                + "a README example changed without its test (or the test without the README): make them equal")
        .containsExactlyInAnyOrderElementsOf(blocks);
  }

  @Test
  @DisplayName("blocks compare up to whitespace only")
  void normalizesWhitespaceOnly() {
    assertThat(
            regions(
                JAVA_BLOCK,
                "text\n```java\nclass A {\n  int x;\n}\n```\n```java\nclass B {}\n```\n"))
        .containsExactly("class A { int x; }", "class B {}");
    assertThat(normalize("class  A {\n\tint x; }"))
        .isEqualTo(normalize("class A { int x; }"))
        .isNotEqualTo(normalize("class A { int y; }"));
  }

  static List<String> regions(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(normalize(m.group(1)));
    }
    return found;
  }

  static String normalize(String code) {
    return code.strip().replaceAll("\\s+", " ");
  }
}
