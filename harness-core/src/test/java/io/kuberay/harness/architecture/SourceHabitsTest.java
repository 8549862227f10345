package io.kuberay.harness.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source habits ArchUnit cannot see, because they are gone from the bytecode: a type is named by an
 * import, not inline by its fully-qualified name. Scans every module's {@code src/main/java} and
 * {@code src/test/java}.
 */
class SourceHabitsTest {

  /**
   * A qualified type name in code: lower-case package segments under a well-known root, then a
   * type.
   */
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![\\w.$])((?:io|java|javax|org|com|jdk|sun)\\.(?:[a-z_][a-z0-9_]*\\.)+)([A-Z]\\w*)");

  private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+)\\.(\\w+);");
  private static final Pattern DECLARED =
      Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");

  @Test
  @DisplayName(
      "no Java source names a type inline by its fully-qualified name unless its simple name is taken")
  void noInlineQualifiedNames() throws IOException {
    List<Path> sources = javaSources(Checkout.root());
    assertThat(sources).as("Java sources under %s", Checkout.root()).hasSizeGreaterThan(100);
    List<String> found = new ArrayList<>();
    for (Path file : sources) {
      found.addAll(inlineQualifiedNames(file));
    }
    assertThat(found)
        .as(
            "inline fully-qualified names; import the type instead (keep the qualified name only when "
                + "another type of the same simple name is imported, declared or in the same package)")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "the check sees qualified names in code and ignores imports, comments, javadoc and strings")
  void checkFindsOnlyCode(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("Sample.java"),
            """
        package a.b;

        import java.util.List;
        import io.fabric8.kubernetes.client.Config;

        /** {@link java.util.Map} in javadoc. */
        class Sample {
          // java.util.Set in a comment
          String s = "java.util.Queue in a string";
          List<String> l = new java.util.ArrayList<>();
          io.fabric8.kubernetes.api.model.Config clash;
          char c = '"';
          java.time.Duration d = java.time.Duration.ZERO;
        }
        """);
    assertThat(inlineQualifiedNames(file))
        .containsExactly(
            file + ":10: java.util.ArrayList",
            file + ":13: java.time.Duration",
            file + ":13: java.time.Duration");
  }

  static List<String> inlineQualifiedNames(Path file) {
    String source = Checkout.read(file);
    String code = codeOnly(source);
    Set<String> taken = takenSimpleNames(file, source, code);
    List<String> found = new ArrayList<>();
    Matcher m = QUALIFIED.matcher(code);
    while (m.find()) {
      int lineStart = code.lastIndexOf('\n', m.start()) + 1;
      String line = code.substring(lineStart, m.start()).strip();
      if (line.matches("(import|package)(\\s+static)?")) {
        continue;
      }
      String qualified = m.group(1) + m.group(2);
      if (taken.contains(m.group(2)) && !imported(source, qualified)) {
        continue;
      }
      int lineNumber =
          (int) code.substring(0, m.start()).chars().filter(ch -> ch == '\n').count() + 1;
      found.add(file + ":" + lineNumber + ": " + qualified);
    }
    return found;
  }

  /**
   * Simple names an import could not claim: imported, declared here, or a sibling type of the same
   * package.
   */
  private static Set<String> takenSimpleNames(Path file, String source, String code) {
    Set<String> taken = new HashSet<>();
    IMPORT.matcher(source).results().forEach(r -> taken.add(r.group(2)));
    DECLARED.matcher(code).results().forEach(r -> taken.add(r.group(1)));
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      siblings
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".java"))
          .forEach(n -> taken.add(n.substring(0, n.length() - ".java".length())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    taken.remove(file.getFileName().toString().replace(".java", ""));
    return taken;
  }

  private static boolean imported(String source, String qualified) {
    return source.contains("import " + qualified + ";");
  }

  /**
   * The source with comments, string, text-block and char literals blanked out; line breaks and
   * offsets kept.
   */
  static String codeOnly(String src) {
    char[] out = src.toCharArray();
    int i = 0;
    int n = src.length();
    while (i < n) {
      int end;
      if (src.startsWith("//", i)) {
        end = src.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (src.startsWith("/*", i)) {
        end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (src.startsWith("\"\"\"", i)) {
        end = i + 3;
        while (true) {
          end = src.indexOf("\"\"\"", end);
          if (end < 0) {
            end = n;
            break;
          }
          if (src.charAt(end - 1) == '\\') {
            end++;
            continue;
          }
          end += 3;
          break;
        }
      } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
        char quote = src.charAt(i);
        end = i + 1;
        while (end < n && src.charAt(end) != quote) {
          end += src.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 1);
      } else {
        i++;
        continue;
      }
      for (int k = i; k < end; k++) {
        if (out[k] != '\n') {
          out[k] = ' ';
        }
      }
      i = end;
    }
    return new String(out);
  }

  private static List<Path> javaSources(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.toString().endsWith(".java"))
          .filter(
              p -> {
                String s = root.relativize(p).toString().replace('\\', '/');
                return (s.contains("/src/main/java/") || s.contains("/src/test/java/"))
                    && !s.contains("/target/")
                    && !s.startsWith(".");
              })
          .sorted()
          .toList();
    }
  }
}
