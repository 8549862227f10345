package io.kuberay.harness;

/**
 * {@link AutoscalingScenario} on the emulated backend: the head pod's {@code autoscaler} container
 * runs Ray's {@code ray kuberay-autoscaler} against the emulated API server with the pod's
 * service-account token, and the emulated v1.5.0 operator creates and deletes the pods.
 */
class AutoscalingIT extends AutoscalingScenario {

  @Override
  protected KubeRayEnvironment startEnvironment() {
    return KubeRayEnvironment.builder()
        .kuberayVersion("v1.5.0")
        .rayMode(RayMode.REQUIRED)
        .startExactly();
  }

  @Override
  protected String backendName() {
    return "emulated";
  }
}
