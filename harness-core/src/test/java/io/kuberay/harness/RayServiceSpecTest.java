package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.rayservice.RayServiceSpec;
import io.kuberay.harness.rayservice.ServeApplications;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RayServiceSpecTest {

  @Test
  void readsTheManifestAndChangesCopies() {
    RayServiceSpec spec =
        RayServiceSpec.fromYaml(ServeApps.resource("/serve/rayservice-greeter.yaml"));
    assertThat(spec.name()).isEqualTo("greeter");
    assertThat(spec.serveConfigV2()).contains("import_path: greeter:app");

    RayServiceSpec changed =
        spec.withPythonPath(Path.of("/apps"))
            .withClusterEnv("A", "1")
            .withClusterEnv("A", "2")
            .withServeConfigV2("applications: []");
    assertThat(changed.serveConfigV2()).isEqualTo("applications: []");
    assertThat(env(changed))
        .containsExactly(
            Map.of("name", "PYTHONPATH", "value", "/apps"), Map.of("name", "A", "value", "2"));
    assertThat(env(spec)).isEmpty();
    assertThat(changed.withName("other").toResource("ns").getMetadata().getName())
        .isEqualTo("other");
    assertThat(changed.toResource("ns").getMetadata().getNamespace()).isEqualTo("ns");
  }

  /**
   * The manifest's annotations reach the RayService (KubeRay reads {@code
   * ray.io/initializing-timeout} there); they used to be dropped with every other metadata field
   * but the name and labels.
   */
  @Test
  void keepsTheManifestsAnnotations() {
    RayServiceSpec spec =
        RayServiceSpec.fromYaml(
            "apiVersion: ray.io/v1\nkind: RayService\n"
                + "metadata: {name: svc, annotations: {ray.io/initializing-timeout: 5m}}\n"
                + "spec: {rayClusterConfig: {headGroupSpec: {}}}\n");
    assertThat(
            spec.withClusterDeletionDelaySeconds(0).toResource("ns").getMetadata().getAnnotations())
        .containsExactly(Map.entry("ray.io/initializing-timeout", "5m"));
    assertThat(
            spec.withAnnotation("team", "serve")
                .withName("other")
                .toResource("ns")
                .getMetadata()
                .getAnnotations())
        .containsOnly(Map.entry("ray.io/initializing-timeout", "5m"), Map.entry("team", "serve"));
    assertThat(spec.toResource("ns").getMetadata().getAnnotations()).hasSize(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void applicationsFromAConfigMapAreMountedAndOnThePythonPath() {
    RayServiceSpec spec =
        RayServiceSpec.fromYaml(ServeApps.resource("/serve/rayservice-greeter.yaml"))
            .withApplicationsFromConfigMap("old")
            .withApplicationsFromConfigMap("apps");
    Map<String, Object> cluster = (Map<String, Object>) spec.spec().get("rayClusterConfig");
    Map<String, Object> podSpec =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) cluster.get("headGroupSpec")).get("template"))
                .get("spec");
    assertThat((List<Object>) podSpec.get("volumes"))
        .containsExactly(Map.of("name", "serve-apps", "configMap", Map.of("name", "apps")));
    Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    assertThat((List<Object>) container.get("volumeMounts"))
        .containsExactly(Map.of("name", "serve-apps", "mountPath", "/home/ray/serve-apps"));
    assertThat(env(spec))
        .containsExactly(Map.of("name", "PYTHONPATH", "value", "/home/ray/serve-apps"));
  }

  @Test
  void serveApplicationsBecomeAConfigMapWithOneKeyPerFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ServeApplications.configMap("apps", dir))
        .hasMessageContaining("holds no files");
    assertThatThrownBy(() -> ServeApplications.configMap("apps", dir.resolve("missing")))
        .hasMessageContaining("No directory");
    Files.writeString(dir.resolve("app.py"), "print(1)\n");
    Files.createDirectory(dir.resolve("__pycache__"));
    assertThat(ServeApplications.configMap("apps", dir).getData())
        .containsExactly(Map.entry("app.py", "print(1)\n"));
    Files.writeString(dir.resolve("bad name.py"), "");
    assertThatThrownBy(() -> ServeApplications.configMap("apps", dir))
        .hasMessageContaining("cannot be a ConfigMap key");
  }

  @Test
  void badManifestsSayWhatIsWrong() {
    assertThatThrownBy(
            () ->
                RayServiceSpec.fromYaml(
                    "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: x}\n"))
        .hasMessageContaining("Expected one RayService")
        .hasMessageContaining("RayCluster");
    assertThatThrownBy(
            () ->
                RayServiceSpec.fromYaml(
                    "apiVersion: ray.io/v1\nkind: RayService\nmetadata: {name: x}\nspec: {serveConfigV2: ''}\n"))
        .hasMessageContaining("has no spec.rayClusterConfig");
    assertThatThrownBy(
            () -> RayServiceSpec.fromYaml("apiVersion: ray.io/v1\nkind: RayService\nspec: {}\n"))
        .hasMessageContaining("no metadata.name");
    assertThatThrownBy(() -> RayServiceSpec.of("Bad_Name", "", RayClusterSpec.named("c")))
        .hasMessageContaining("DNS label");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> env(RayServiceSpec spec) {
    Map<String, Object> cluster = (Map<String, Object>) spec.spec().get("rayClusterConfig");
    Map<String, Object> head = (Map<String, Object>) cluster.get("headGroupSpec");
    Map<String, Object> container =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) ((Map<String, Object>) head.get("template")).get("spec"))
                    .get("containers"))
            .get(0);
    return (List<Object>) container.getOrDefault("env", List.of());
  }
}
