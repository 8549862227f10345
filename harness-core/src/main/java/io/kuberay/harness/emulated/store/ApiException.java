package io.kuberay.harness.emulated.store;

import io.fabric8.mockwebserver.http.MockResponse;

/**
 * A request the API server refuses: answered with a {@code Status} of this code, reason and
 * message.
 */
public final class ApiException extends RuntimeException {

  private final int code;
  private final String reason;

  public ApiException(int code, String reason, String message) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }

  public MockResponse response() {
    return ApiErrors.status(code, reason, getMessage());
  }

  public static ApiException notFound(String resource, String name) {
    return new ApiException(404, "NotFound", resource + " \"" + name + "\" not found");
  }

  public static ApiException conflict(String resource, String name) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + resource
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version and try again");
  }
}
