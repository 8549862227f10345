package io.kuberay.harness.emulated.support;

/**
 * KubeRay's RayJob submitter container ({@code utils.SubmitterContainerName}): the container of
 * K8sJobMode's submitter Job and SidecarMode's extra container in the head pod, whose part the
 * emulated operator plays in-process.
 */
public final class SubmitterContainer {

  public static final String NAME = "ray-job-submitter";

  private SubmitterContainer() {}
}
