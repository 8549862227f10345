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
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", invalidMessage(kind, group, name, causes));
    status.put("reason", "Invalid");
    // kubectl prints "The <Kind> "<name>" is invalid: <field>: <message>" from these details; a
    // Status without them reads "The request is invalid".
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", kind);
    details.put("causes", causes.stream().map(ApiErrors::cause).toList());
    status.put("details", details);
    status.put("code", 422);
    return json(422, status);
  }

  /** {@code Kind.group "name" is invalid: cause}, several causes in brackets. */
  static String invalidMessage(String kind, String group, String name, List<String> causes) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String joined = causes.size() == 1 ? causes.get(0) : "[" + String.join(", ", causes) + "]";
    return qualified + " \"" + name + "\" is invalid: " + joined;
  }

  /** {@code field.Error} as a {@code StatusCause}: "{field}: {message}", its type as the reason. */
  static Map<String, Object> cause(String error) {
    Map<String, Object> cause = new LinkedHashMap<>();
    int colon = error.indexOf(": ");
    String field = colon < 0 ? "" : error.substring(0, colon);
    String message = colon < 0 ? error : error.substring(colon + 2);
    cause.put("reason", reason(message));
    cause.put("message", message);
    cause.put("field", field);
    return cause;
  }

  private static String reason(String message) {
    if (message.startsWith("Invalid value: ") && message.contains(" in body must be of type ")) {
      return "FieldValueTypeInvalid";
    }
    for (Map.Entry<String, String> e : CAUSE_REASONS.entrySet()) {
      if (message.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "FieldValueInvalid";
  }

  private static final Map<String, String> CAUSE_REASONS =
      Map.of(
          "Unsupported value", "FieldValueNotSupported",
          "Required value", "FieldValueRequired",
          "Forbidden", "FieldValueForbidden",
          "Too long", "FieldValueTooLong",
          "Too many", "FieldValueTooMany",
          "Duplicate value", "FieldValueDuplicate",
          "Not found", "FieldValueNotFound",
          "Internal error", "InternalError");

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
