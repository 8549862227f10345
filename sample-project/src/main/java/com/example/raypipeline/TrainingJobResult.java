package com.example.raypipeline;

/**
 * How a training job ended, as its RayJob reports it.
 *
 * @param rayJobName the RayJob's name
 * @param jobId the Ray job's submission id ({@code status.jobId})
 * @param rayClusterName the RayCluster the RayJob created for the job ({@code status.rayClusterName})
 * @param deploymentStatus KubeRay's {@code status.jobDeploymentStatus}: {@code Complete} or {@code Failed}
 * @param jobStatus Ray's job status ({@code status.jobStatus}), e.g. {@code SUCCEEDED} or {@code FAILED};
 *     empty when the job never reached Ray
 * @param message KubeRay's or Ray's explanation ({@code status.message}), empty if none
 */
public record TrainingJobResult(
    String rayJobName, String jobId, String rayClusterName, String deploymentStatus, String jobStatus, String message) {

  /** Whether the job ran to completion and Ray reports it succeeded. */
  public boolean succeeded() {
    return "Complete".equals(deploymentStatus) && "SUCCEEDED".equals(jobStatus);
  }
}
