package io.kuberay.harness.emulated.store;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.support.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API server error responses: a {@code Status} object with the code, reason and the API server's
 * wording.
 */
public final class ApiErrors {

  private ApiErrors() {}

  public static MockResponse status(int code, String reason, String message) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return json(code, status);
  }

  /**
   * 422 Invalid, as for a schema or name violation: {@code Kind.group "name" is invalid: cause}.
   */
  public static MockResponse invalid(String kind, String group, String name, List<String> causes) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String joined = causes.size() == 1 ? causes.get(0) : "[" + String.join(", ", causes) + "]";
    return status(422, "Invalid", qualified + " \"" + name + "\" is invalid: " + joined);
  }

  public static MockResponse notFound(String plural, String group, String name) {
    String resource = group.isEmpty() ? plural : plural + "." + group;
    return status(404, "NotFound", resource + " \"" + name + "\" not found");
  }

  public static MockResponse unsupported(String what, String instead) {
    return status(
        405,
        "MethodNotAllowed",
        "The emulated Kubernetes API does not support " + what + ". " + instead);
  }

  public static MockResponse json(int code, Object body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Json.SERDE.asJson(body));
  }
}
