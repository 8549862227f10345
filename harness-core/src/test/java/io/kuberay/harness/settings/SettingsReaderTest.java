package io.kuberay.harness.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  private static SettingsReader reader(
      Map<String, String> properties, Map<Setting, String> parameters, Map<String, String> env) {
    return new SettingsReader(properties::get, parameters, env::get);
  }

  @Test
  void systemPropertyWinsOverConfigurationParameterWhichWinsOverEnvironment() {
    Map<String, String> env = Map.of("KUBERAY_BACKEND", "existing");
    Map<Setting, String> parameters = Map.of(Setting.BACKEND, "k3s");

    assertThat(
            reader(Map.of("kuberay.backend", "emulated"), parameters, env).value(Setting.BACKEND))
        .contains("emulated");
    assertThat(reader(Map.of(), parameters, env).value(Setting.BACKEND)).contains("k3s");
    assertThat(reader(Map.of(), Map.of(), env).value(Setting.BACKEND)).contains("existing");
    assertThat(reader(Map.of(), Map.of(), Map.of()).value(Setting.BACKEND)).isEmpty();
  }

  @Test
  void blankValuesCountAsUnsetAndValuesAreTrimmed() {
    SettingsReader reader =
        reader(
            Map.of("kuberay.version", "  "),
            Map.of(Setting.VERSION, " "),
            Map.of("KUBERAY_VERSION", " v1.5.0 "));
    assertThat(reader.value(Setting.VERSION)).contains("v1.5.0");
  }

  @Test
  void environmentVariableIsTheKeyInUpperSnakeCase() {
    assertThat(Setting.NAMESPACE_PER_CLASS.envVariable()).isEqualTo("KUBERAY_NAMESPACE_PER_CLASS");
    assertThat(Setting.MANIFESTS_DOWNLOAD_TIMEOUT.envVariable())
        .isEqualTo("KUBERAY_MANIFESTS_DOWNLOAD_TIMEOUT");
  }

  @Test
  void configurationParametersTakeOnlyRegisteredSettings() {
    Map<String, String> launcher =
        Map.of(
            "kuberay.ray",
            "off",
            "kuberay.nonsense",
            "x",
            "junit.jupiter.execution.parallel.enabled",
            "true");
    SettingsReader before = SettingsReader.current();
    try {
      SettingsReader.useConfigurationParameters(key -> Optional.ofNullable(launcher.get(key)));
      assertThat(SettingsReader.current().parameters())
          .containsExactly(Map.entry(Setting.RAY, "off"));
    } finally {
      SettingsReader.restore(before);
    }
  }

  @Test
  void anUnregisteredNameFailsNamingWhereTheSettingsAreListed() {
    assertThatThrownBy(() -> Setting.of("kuberay.bakend"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'kuberay.bakend' is not a KubeRay Harness setting")
        .hasMessageContaining("docs/CONFIGURATION.md");
  }
}
