package io.kuberay.harness.ray;

import java.time.Instant;
import java.util.Map;

/**
 * One job as the Jobs API reports it ({@code JobDetails} in Ray's {@code pydantic_models.py}).
 *
 * @param type SUBMISSION or DRIVER
 * @param jobId the driver's hex job id, e.g. {@code 02000000}; {@code null} before the driver
 *     starts
 * @param submissionId the submission id; {@code null} for DRIVER jobs
 * @param driverInfo the driver process; {@code null} before it starts
 * @param status current status
 * @param entrypoint the shell command
 * @param message Ray's human-readable status message
 * @param errorType e.g. {@code JOB_ENTRYPOINT_COMMAND_ERROR}; {@code null} unless failed
 * @param startTime when the job started; {@code null} if unknown
 * @param endTime when the job ended; {@code null} while running
 * @param metadata user metadata
 * @param runtimeEnv the runtime env as JSON-like maps and lists
 * @param driverExitCode the entrypoint's exit code; {@code null} while running
 */
public record JobDetails(
    JobType type,
    String jobId,
    String submissionId,
    DriverInfo driverInfo,
    JobStatus status,
    String entrypoint,
    String message,
    String errorType,
    Instant startTime,
    Instant endTime,
    Map<String, String> metadata,
    Map<String, Object> runtimeEnv,
    Integer driverExitCode) {

  /**
   * SUBMISSION jobs come from the Jobs API; DRIVER jobs are scripts that called {@code ray.init()}
   * themselves.
   */
  public enum JobType {
    SUBMISSION,
    DRIVER
  }

  /**
   * @param id driver id
   * @param nodeIpAddress node the driver runs on
   * @param pid driver pid (Ray sends it as a string)
   */
  public record DriverInfo(String id, String nodeIpAddress, String pid) {}

  /** The submission id, else the job id: what the other API calls accept. */
  public String id() {
    return submissionId != null ? submissionId : jobId;
  }
}
