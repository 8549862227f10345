package io.kuberay.harness.emulated.api.rbac;

import io.kuberay.harness.emulated.support.QueryString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a request asks to do, read from its method, path and query as kube-apiserver's request-info
 * resolver reads them: a resource request ({@code verb} on {@code resource/subresource} of {@code
 * apiGroup}, in {@code namespace}, on {@code name}) or a non-resource request ({@code verb} on
 * {@code path}).
 */
public record RequestAttributes(
    String verb,
    boolean resourceRequest,
    String path,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** A resource request, for tests and access reviews. */
  public static RequestAttributes resource(
      String verb,
      String apiGroup,
      String namespace,
      String resource,
      String subresource,
      String name) {
    return new RequestAttributes(
        verb, true, "", nz(apiGroup), "", nz(namespace), nz(resource), nz(subresource), nz(name));
  }

  /** A non-resource request, for tests and access reviews. */
  public static RequestAttributes nonResource(String verb, String path) {
    return new RequestAttributes(verb, false, path, "", "", "", "", "", "");
  }

  /**
   * The attributes of {@code method} on {@code uri} (path and query): GET is {@code get}, or {@code
   * list}/{@code watch} without a name ({@code ?watch=true}, or the {@code /watch/} prefix); DELETE
   * without a name is {@code deletecollection}; a list or watch whose field selector names one
   * object ({@code metadata.name=x}) carries that name. Paths outside {@code /api/<v>/...} and
   * {@code /apis/<g>/<v>/...} are non-resource requests, verb the lower-case method.
   */
  public static RequestAttributes of(String method, String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    QueryString query = new QueryString(q < 0 ? "" : uri.substring(q + 1));
    String lower = method.toLowerCase(Locale.ROOT);
    RequestAttributes nonResource = nonResource(lower, path);
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    if (parts.size() < 3 || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
      return nonResource;
    }
    List<String> current = parts.subList(1, parts.size());
    String group = "";
    if (parts.get(0).equals("apis")) {
      if (current.size() < 3) {
        return nonResource;
      }
      group = current.get(0);
      current = current.subList(1, current.size());
    }
    String version = current.get(0);
    current = current.subList(1, current.size());
    if (current.isEmpty()) {
      return nonResource;
    }
    String verb;
    if (current.get(0).equals("watch") || current.get(0).equals("proxy")) {
      if (current.size() < 2) {
        return nonResource;
      }
      verb = current.get(0);
      current = current.subList(1, current.size());
    } else {
      verb =
          switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> "create";
            case "GET", "HEAD" -> "get";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
          };
    }
    String namespace = "";
    if (current.get(0).equals("namespaces") && current.size() > 1) {
      namespace = current.get(1);
      // namespaces/<ns>/<resource>/...; namespaces/<ns>[/status|/finalize] is the namespace itself
      if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
        current = current.subList(2, current.size());
      }
    }
    String resource = current.get(0);
    String name = current.size() >= 2 ? current.get(1) : "";
    String subresource = current.size() >= 3 && !verb.equals("proxy") ? current.get(2) : "";
    if (name.isEmpty() && verb.equals("get")) {
      boolean watch = "true".equals(query.first("watch")) || "1".equals(query.first("watch"));
      verb = watch ? "watch" : "list";
      name = exactName(query.first("fieldSelector"));
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new RequestAttributes(
        verb, true, path, group, version, namespace, resource, subresource, name);
  }

  /** {@code metadata.name=x} (or {@code ==}) in a field selector: the one object asked for. */
  private static String exactName(String fieldSelector) {
    if (fieldSelector == null) {
      return "";
    }
    for (String term : fieldSelector.split(",")) {
      String t = term.trim();
      for (String op : List.of("==", "=")) {
        if (t.startsWith("metadata.name" + op)) {
          String value = t.substring(("metadata.name" + op).length());
          return value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")
              ? ""
              : value;
        }
      }
    }
    return "";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
