package io.kuberay.harness;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a command run in a pod: a non-zero exit code is a result, not an exception.
 *
 * @param stdout everything the command wrote to standard output
 * @param stderr everything the command wrote to standard error
 * @param exitCode the process exit code
 * @param duration wall time from start to exit
 */
public record ExecResult(String stdout, String stderr, int exitCode, Duration duration) {

  public ExecResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
  }

  /** Whether the command exited with code 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}
