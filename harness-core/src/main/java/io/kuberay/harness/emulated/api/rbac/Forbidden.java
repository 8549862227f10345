package io.kuberay.harness.emulated.api.rbac;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiErrors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kube-apiserver's answer to a request its authorizer refused: 403, reason {@code Forbidden}, and
 * the message users grep for, e.g. {@code pods "p" is forbidden: User "system:serviceaccount:ns:sa"
 * cannot get resource "pods/log" in API group "" in the namespace "ns"}.
 */
final class Forbidden {

  private Forbidden() {}

  static MockResponse response(UserInfo user, RequestAttributes request, String reason) {
    String qualified =
        request.resource().isEmpty()
            ? ""
            : request.apiGroup().isEmpty()
                ? request.resource()
                : request.resource() + "." + request.apiGroup();
    String cause = sanitize(refusal(user, request));
    if (!reason.isEmpty()) {
      cause = cause + ": " + reason;
    }
    String message;
    if (qualified.isEmpty()) {
      message = "forbidden: " + cause;
    } else if (request.name().isEmpty()) {
      message = qualified + " is forbidden: " + cause;
    } else {
      message = qualified + " \"" + request.name() + "\" is forbidden: " + cause;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (!request.name().isEmpty()) {
      details.put("name", request.name());
    }
    if (!request.apiGroup().isEmpty()) {
      details.put("group", request.apiGroup());
    }
    if (!request.resource().isEmpty()) {
      details.put("kind", request.resource());
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", "Forbidden");
    status.put("details", details);
    status.put("code", 403);
    return ApiErrors.json(403, status).setHeader("X-Content-Type-Options", "nosniff");
  }

  /** {@code User "u" cannot <verb> resource "r[/sub]" in API group "g" in the namespace "n"}. */
  static String refusal(UserInfo user, RequestAttributes request) {
    String who = "User " + quote(user.name()) + " cannot " + request.verb();
    if (!request.resourceRequest()) {
      return who + " path " + quote(request.path());
    }
    String resource =
        request.subresource().isEmpty()
            ? request.resource()
            : request.resource() + "/" + request.subresource();
    String where =
        request.namespace().isEmpty()
            ? " at the cluster scope"
            : " in the namespace " + quote(request.namespace());
    return who
        + " resource "
        + quote(resource)
        + " in API group "
        + quote(request.apiGroup())
        + where;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** kube-apiserver escapes these so that the message is safe to show in HTML. */
  private static String sanitize(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
