package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.KubeRayVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A folder of KubeRay release data: {@code <dir>/<version>/kustomize-default.yaml} and {@code
 * <dir>/<version>/charts/<chart>-<number>.tgz} (the layout of {@code shared/kuberay}).
 */
final class DirectoryManifestSource implements ManifestSource {

  private final Path dir;

  DirectoryManifestSource(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public List<GenericKubernetesResource> kustomizeBundle(KubeRayVersion version) {
    return KubeRayManifests.kustomizeBundle(version, Optional.of(dir));
  }

  @Override
  public Path chart(String chartName, KubeRayVersion version) {
    Path file =
        dir.resolve(version.toString())
            .resolve("charts")
            .resolve(chartName + "-" + version.number() + ".tgz");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "No "
              + chartName
              + " chart for KubeRay "
              + version
              + " at "
              + file
              + ". Put the packaged chart there (helm pull kuberay/"
              + chartName
              + " --version "
              + version.number()
              + "), or unset kuberay.manifests.dir to download it.");
    }
    return file;
  }

  @Override
  public String describe() {
    return "directory " + dir;
  }
}
