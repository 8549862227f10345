package io.kuberay.harness.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.EnvironmentSettings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md and the registry name the same settings, so neither can drift from the
 * other.
 */
class ConfigurationDocTest {

  private static final Path DOC = Path.of("..", "docs", "CONFIGURATION.md");

  /** A table row's first cell: the property, sometimes followed by its environment variable. */
  private static final Pattern ROW = Pattern.compile("^\\|\\s*([^|]+)\\|", Pattern.MULTILINE);

  private static final Pattern KEY = Pattern.compile("`(kuberay\\.[a-z0-9.]+)`");

  static Set<String> documented(String markdown) {
    Set<String> keys = new TreeSet<>();
    Matcher row = ROW.matcher(markdown);
    while (row.find()) {
      Matcher key = KEY.matcher(row.group(1));
      while (key.find()) {
        keys.add(key.group(1));
      }
    }
    return keys;
  }

  @Test
  void theDocumentListsExactlyTheRegisteredSettings() throws IOException {
    Set<String> registered =
        Arrays.stream(Setting.values())
            .map(Setting::key)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = documented(Files.readString(DOC));

    assertThat(documented)
        .as(
            "settings in the registry (io.kuberay.harness.settings.Setting) but missing from %s",
            DOC)
        .containsAll(registered);
    assertThat(registered)
        .as(
            "settings in %s that the registry (io.kuberay.harness.settings.Setting) does not know",
            DOC)
        .containsAll(documented);
  }

  @Test
  void theCheckSeesAMissingAndAnUnknownRow() {
    String doc =
        "| property | default |\n|---|---|\n| `kuberay.backend` | `emulated` |\n| `kuberay.python` / `KUBERAY_PYTHON` | x |\n"
            + "text mentioning `kuberay.not.a.row` |\n";
    assertThat(documented(doc)).containsExactly("kuberay.backend", "kuberay.python");
  }

  @Test
  void everyPublicKeyConstantIsRegistered() throws IllegalAccessException {
    for (Field field : EnvironmentSettings.Keys.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String key = (String) field.get(null);
        assertThat(Setting.byKey(key))
            .as("EnvironmentSettings.Keys.%s = %s", field.getName(), key)
            .isPresent();
      }
    }
  }
}
