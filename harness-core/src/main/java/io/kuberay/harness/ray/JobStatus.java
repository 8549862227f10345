package io.kuberay.harness.ray;

/** The status of a Ray job as reported by the Jobs API. */
public enum JobStatus {
  PENDING,
  RUNNING,
  STOPPED,
  SUCCEEDED,
  FAILED;

  /** Whether the job will not change status any more. */
  public boolean isTerminal() {
    return this == STOPPED || this == SUCCEEDED || this == FAILED;
  }
}
