package io.kuberay.harness.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuberay.harness.KubeRayVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeRayInstallerRenderTest {

  private final KubernetesClient unused = new KubernetesClientBuilder().build();
  private final KubeRayInstaller installer =
      new KubeRayInstaller(unused, "", ManifestSources.classpath());
  private final InstallOptions options =
      new InstallOptions(
          Optional.of("kuberay-harness/kuberay-operator:v1.5.0"),
          "ray-tests",
          InstallOptions.Apply.CREATE,
          false,
          Duration.ofMinutes(1));

  @Test
  @DisplayName(
      "v1.5.0 installs into the namespace applied to: namespaced objects and binding subjects move there")
  void v15UsesTargetNamespace() {
    List<GenericKubernetesResource> objects =
        installer.renderKustomize(KubeRayVersion.V1_5_0, options);

    assertThat(objects).noneMatch(o -> "Namespace".equals(o.getKind()));
    assertThat(objects)
        .filteredOn(o -> o.getMetadata().getNamespace() != null)
        .allMatch(o -> "ray-tests".equals(o.getMetadata().getNamespace()));
    assertThat(objects)
        .filteredOn(o -> "ClusterRoleBinding".equals(o.getKind()))
        .allSatisfy(
            o ->
                assertThat(o.getAdditionalProperties().get("subjects").toString())
                    .contains("namespace=ray-tests"));
    assertThat(objects.get(0).getKind()).isEqualTo("CustomResourceDefinition");
    assertThat(objects.get(objects.size() - 1).getKind()).isEqualTo("Deployment");
  }

  @Test
  @DisplayName("v1.1.0 keeps its own ray-system namespace, created first")
  void v11KeepsRaySystem() {
    List<GenericKubernetesResource> objects =
        installer.renderKustomize(KubeRayVersion.V1_1_0, options);

    assertThat(objects.get(0).getKind()).isEqualTo("Namespace");
    assertThat(objects.get(0).getMetadata().getName()).isEqualTo("ray-system");
    assertThat(objects)
        .filteredOn(o -> o.getMetadata().getNamespace() != null)
        .allMatch(o -> "ray-system".equals(o.getMetadata().getNamespace()));
  }

  @Test
  @DisplayName("the operator container runs the given image with imagePullPolicy IfNotPresent")
  @SuppressWarnings("unchecked")
  void operatorImageReplaced() {
    GenericKubernetesResource deployment =
        installer.renderKustomize(KubeRayVersion.V1_5_0, options).stream()
            .filter(o -> "Deployment".equals(o.getKind()))
            .findFirst()
            .orElseThrow();

    Map<String, Object> spec =
        (Map<String, Object>) deployment.getAdditionalProperties().get("spec");
    Map<String, Object> container =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec"))
                    .get("containers"))
            .get(0);
    assertThat(container)
        .containsEntry("image", "kuberay-harness/kuberay-operator:v1.5.0")
        .containsEntry("imagePullPolicy", "IfNotPresent");
    assertThat(
            ManifestSources.classpath().kustomizeBundle(KubeRayVersion.V1_5_0).stream()
                .filter(o -> "Deployment".equals(o.getKind()))
                .findFirst()
                .orElseThrow()
                .toString())
        .as("the cached bundle is not modified")
        .contains("quay.io/kuberay/operator");
  }
}
