package io.kuberay.harness.emulated.store;

import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;

/**
 * A request the API server refuses: answered with a {@code Status} of this code, reason and
 * message.
 */
public final class ApiException extends RuntimeException {

  private final int code;
  private final String reason;
  private final MockResponse response;

  public ApiException(int code, String reason, String message) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.response = null;
  }

  private ApiException(MockResponse response, String message) {
    super(message, null, false, false);
    this.code = 422;
    this.reason = "Invalid";
    this.response = response;
  }

  /** 422 Invalid with the causes as details, as {@link ApiErrors#invalid} answers it. */
  public static ApiException invalid(String kind, String group, String name, List<String> causes) {
    MockResponse response = ApiErrors.invalid(kind, group, name, causes);
    return new ApiException(response, ApiErrors.invalidMessage(kind, group, name, causes));
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }

  public MockResponse response() {
    return response != null ? response : ApiErrors.status(code, reason, getMessage());
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
