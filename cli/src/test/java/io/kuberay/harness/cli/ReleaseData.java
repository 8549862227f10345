package io.kuberay.harness.cli;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.architecture.Checkout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * KubeRay's release data (charts, rendered kustomize bundle) as the quick-start's commands would
 * fetch them: {@code kuberay.manifests.dir}, else {@code ../shared/kuberay} next to the checkout; a
 * test without it is aborted and says why (the Helm repository and GitHub are not reachable from
 * the build).
 */
final class ReleaseData {

  private final Path dir;

  private ReleaseData(Path dir) {
    this.dir = dir;
  }

  static ReleaseData require() {
    String configured = System.getProperty("kuberay.manifests.dir", "");
    Path dir =
        configured.isBlank()
            ? Checkout.root().resolve("..").resolve("shared").resolve("kuberay").normalize()
            : Path.of(configured);
    if (!Files.isDirectory(dir.resolve(KubeRayVersion.DEFAULT.toString()).resolve("charts"))) {
      String reason =
          "no KubeRay release data in "
              + dir
              + " (<version>/charts/*.tgz, <version>/kustomize-default.yaml); set -Dkuberay.manifests.dir";
      System.out.println("ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    return new ReleaseData(dir);
  }

  /**
   * A release's own directory ({@code charts/}, {@code kustomize-default.yaml}, maybe {@code
   * samples/}).
   */
  Path release(KubeRayVersion v) {
    return dir.resolve(v.toString());
  }

  /** {@code helm install raycluster kuberay/ray-cluster --version N}'s chart file. */
  Path rayClusterChart(KubeRayVersion v) {
    return dir.resolve(v.toString())
        .resolve("charts")
        .resolve("ray-cluster-" + v.number() + ".tgz");
  }

  /** {@code helm install kuberay-operator kuberay/kuberay-operator --version N}'s chart file. */
  Path operatorChart(KubeRayVersion v) {
    return dir.resolve(v.toString())
        .resolve("charts")
        .resolve("kuberay-operator-" + v.number() + ".tgz");
  }

  /**
   * A kustomize directory whose build is the release's {@code ray-operator/config/default}: what
   * {@code kubectl create -k "github.com/ray-project/kuberay/ray-operator/config/default?ref=vX"}
   * creates.
   */
  Path kustomizeDir(KubeRayVersion v, Path parent) throws IOException {
    Path k = Files.createDirectories(parent.resolve("kuberay-" + v + "-config-default"));
    Files.copy(
        dir.resolve(v.toString()).resolve("kustomize-default.yaml"),
        k.resolve("kustomize-default.yaml"));
    Files.writeString(
        k.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- kustomize-default.yaml\n");
    return k;
  }
}
