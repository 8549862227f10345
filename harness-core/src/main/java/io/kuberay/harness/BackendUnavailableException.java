package io.kuberay.harness;

/**
 * The selected backend cannot start on this machine (e.g. k3s without a reachable Docker engine).
 * The message says what is missing and how to fix it; adapters report it as a configuration
 * problem, not a test failure.
 */
public class BackendUnavailableException extends IllegalStateException {

  private final String problem;
  private final String fix;

  public BackendUnavailableException(String problem, String fix) {
    super(problem + ". " + fix);
    this.problem = problem;
    this.fix = fix;
  }

  /** What is missing, e.g. "Docker at unix:///var/run/docker.sock is not reachable (...)". */
  public String problem() {
    return problem;
  }

  /** How to fix it. */
  public String fix() {
    return fix;
  }
}
