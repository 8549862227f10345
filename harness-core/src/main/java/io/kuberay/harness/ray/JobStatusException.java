package io.kuberay.harness.ray;

/** A job did not reach the expected status: it ended in another one, or the wait timed out. */
public final class JobStatusException extends RayJobsException {

  private final String jobId;
  private final JobStatus expected;
  private final JobStatus actual;

  JobStatusException(
      String message, String jobId, JobStatus expected, JobStatus actual, Throwable cause) {
    super(message, 0, "", cause);
    this.jobId = jobId;
    this.expected = expected;
    this.actual = actual;
  }

  public String jobId() {
    return jobId;
  }

  public JobStatus expected() {
    return expected;
  }

  /** The last status seen; {@code null} if the job was never seen. */
  public JobStatus actual() {
    return actual;
  }
}
