package io.kuberay.harness.k3s;

import io.kuberay.harness.AutoscalingScenario;
import io.kuberay.harness.BackendType;
import io.kuberay.harness.BackendUnavailableException;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The autoscaling scale tests ({@link AutoscalingScenario}, the same as the emulated {@code
 * AutoscalingIT}) on k3s: the real KubeRay v1.5.0 operator builds the head pod's autoscaler sidecar
 * and its Role, Ray's autoscaler in that sidecar patches the RayCluster through the real API server
 * with its service account, and the kubelet runs the pods. Skipped, with the reason, when Docker,
 * the images or the release data are missing.
 */
class K3sAutoscalingIT extends AutoscalingScenario {

  private static final KubeRayVersion VERSION = KubeRayVersion.V1_5_0;

  @Override
  protected KubeRayEnvironment startEnvironment() {
    K3sTestConditions.requireDocker("k3s autoscaling test");
    Path manifests = K3sTestConditions.manifestsDir(VERSION).orElse(null);
    K3sTestConditions.require(
        manifests != null,
        () ->
            "k3s autoscaling test skipped: no KubeRay release data (set kuberay.manifests.dir; CI uses ../shared/kuberay)");
    try {
      return KubeRayEnvironment.builder()
          .kuberayVersion(VERSION)
          .backend(BackendType.K3S)
          .manifestsDir(manifests)
          .rayMode(RayMode.REQUIRED)
          .startupTimeout(Duration.ofMinutes(5))
          .startExactly();
    } catch (BackendUnavailableException e) {
      K3sTestConditions.require(false, () -> "k3s autoscaling test skipped: " + e.getMessage());
      throw e;
    }
  }

  @Override
  protected String backendName() {
    return "k3s";
  }
}
