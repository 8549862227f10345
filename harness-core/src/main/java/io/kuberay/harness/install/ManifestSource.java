package io.kuberay.harness.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kuberay.harness.KubeRayVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a KubeRay release's install data comes from: the rendered kustomize bundle and the Helm
 * charts. Choose one with {@link ManifestSources#select}.
 */
public interface ManifestSource {

  /** The objects of {@code ray-operator/config/default} at that release. */
  List<GenericKubernetesResource> kustomizeBundle(KubeRayVersion version);

  /**
   * A local file holding the packaged chart ({@code kuberay-operator} or {@code ray-cluster}) of
   * that release.
   *
   * @throws IllegalStateException naming what is missing and how to provide it
   */
  Path chart(String chartName, KubeRayVersion version);

  /** Where the data comes from, for messages. */
  String describe();
}
