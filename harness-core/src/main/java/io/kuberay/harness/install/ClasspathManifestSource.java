package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.KubeRayVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The kustomize bundles shipped inside the harness jar; it ships no Helm charts. */
final class ClasspathManifestSource implements ManifestSource {

  @Override
  public List<GenericKubernetesResource> kustomizeBundle(KubeRayVersion version) {
    return KubeRayManifests.kustomizeBundle(version, Optional.empty());
  }

  @Override
  public Path chart(String chartName, KubeRayVersion version) {
    throw new IllegalStateException(
        "The harness jar bundles no Helm charts (kuberay.manifests.source=classpath). Install by kustomize"
            + " (kuberay.install=kustomize), point kuberay.manifests.dir at a folder with "
            + version
            + "/charts/"
            + chartName
            + "-"
            + version.number()
            + ".tgz, or use the upstream source.");
  }

  @Override
  public String describe() {
    return "the bundled copy on the classpath";
  }
}
