package io.kuberay.harness.ray;

/**
 * The Ray Jobs API answered with an error; {@link #body()} is Ray's own text (often a Python
 * traceback).
 */
public class RayJobsException extends RuntimeException {

  private final int statusCode;
  private final String body;

  public RayJobsException(String message, int statusCode, String body) {
    super(message);
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
  }

  RayJobsException(String message, int statusCode, String body, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
  }

  /** The HTTP status, or 0 when there was no HTTP answer. */
  public int statusCode() {
    return statusCode;
  }

  public String body() {
    return body;
  }
}
