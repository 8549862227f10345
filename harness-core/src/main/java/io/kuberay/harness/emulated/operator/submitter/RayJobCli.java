package io.kuberay.harness.emulated.operator.submitter;

import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The lines Ray's {@code ray job submit} and {@code ray job logs --follow} print around a job's own
 * log (ray/dashboard/modules/job/cli.py), for the submitter containers the emulated operator runs
 * in-process. In a container they log in the CLI logger's record style, {@code <time>\t<LEVEL>
 * cli.py:<line> -- <message>}; here without the source line, which differs between Ray releases.
 */
public final class RayJobCli {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneOffset.UTC);

  private final Clock clock;

  public RayJobCli(Clock clock) {
    this.clock = clock;
  }

  /** {@code _get_sdk_client}: the address every job command connects to. */
  public String address(String address) {
    return line("INFO", "Job submission server address: " + address);
  }

  /** After {@code ray job submit} submitted: the banner and the next steps. */
  public String submitted(String id) {
    return big("SUCC", "Job '" + id + "' submitted successfully")
        + line("INFO", "Next steps")
        + line("INFO", "Query the logs of the job:")
        + line("INFO", "ray job logs " + id)
        + line("INFO", "Query the status of the job:")
        + line("INFO", "ray job status " + id)
        + line("INFO", "Request the job to be stopped:")
        + line("INFO", "ray job stop " + id);
  }

  /** {@code ray job submit} without {@code --no-wait}, before the job's log. */
  public String tailing() {
    return line("INFO", "Tailing logs until the job exits (disable with --no-wait):");
  }

  /** {@code _log_job_status}: after the job's log, what became of it. */
  public String status(String id, JobDetails details) {
    JobStatus status = details.status();
    String message = details.message();
    return switch (status) {
      case SUCCEEDED -> big("SUCC", "Job '" + id + "' succeeded");
      case STOPPED -> line("WARN", "Job '" + id + "' was stopped");
      case FAILED ->
          big("ERR", "Job '" + id + "' failed")
              + (message == null ? "" : line("INFO", "Status message: " + message));
      default ->
          line("INFO", "Status for job '" + id + "': " + status)
              + (message == null ? "" : line("INFO", "Status message: " + message));
    };
  }

  private String big(String level, String message) {
    String rule = "-".repeat(message.length());
    return line(level, rule) + line(level, message) + line(level, rule);
  }

  private String line(String level, String message) {
    return TIME.format(clock.instant()) + "\t" + level + " cli.py -- " + message + "\n";
  }
}
