package io.kuberay.harness.emulated.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code paths} of an OpenAPI document: for each served resource its collection, object and
 * status paths with the verbs the emulator serves, each operation tagged with {@code
 * x-kubernetes-group-version-kind} and, for writes, the {@code dryRun}, {@code fieldManager} and
 * {@code fieldValidation} query parameters. kubectl reads the PATCH operation's {@code
 * fieldValidation} to decide that the server validates fields itself.
 */
final class OpenApiPaths {

  /** Which OpenAPI version's layout: parameters and bodies differ between v2 and v3. */
  enum Flavor {
    V2("#/definitions/"),
    V3("#/components/schemas/");

    final String refPrefix;

    Flavor(String refPrefix) {
      this.refPrefix = refPrefix;
    }
  }

  private static final String FIELD_VALIDATION_DOC =
      "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or"
          + " duplicate fields. Valid values are: - Ignore: drops unknown fields silently and keeps the last of duplicate fields."
          + " - Warn: the same, and a warning for each unknown or duplicate field is sent back in a Warning header."
          + " - Strict: the request fails with BadRequest naming every unknown or duplicate field.";
  private static final List<String> PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml");

  /** A custom resource's: its handler refuses strategic merge patches (415). */
  private static final List<String> CUSTOM_PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/apply-patch+yaml");

  private final Flavor flavor;
  private final OpenApiSchemas schemas;

  OpenApiPaths(Flavor flavor, OpenApiSchemas schemas) {
    this.flavor = flavor;
    this.schemas = schemas;
  }

  Map<String, Object> paths(List<Discovery.ApiResource> resources) {
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Discovery.ApiResource r : resources) {
      Optional<String> kindSchema = schemas.name(r);
      if (kindSchema.isEmpty()) {
        continue;
      }
      String kind = kindSchema.get();
      String list = schemas.listName(r).orElse(kind);
      String prefix =
          r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
      String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
      String object = collection + "/{name}";
      String tag = (r.group().isEmpty() ? "core" : r.group().split("\\.")[0]) + "_" + r.version();
      String scope = r.namespaced() ? "Namespaced" : "";

      Map<String, Object> c = new LinkedHashMap<>();
      c.put(
          "get",
          operation(
              r,
              tag,
              "list",
              "list" + scope + r.kind(),
              "list or watch objects of kind " + r.kind(),
              list,
              List.of(),
              null));
      c.put(
          "post",
          operation(
              r,
              tag,
              "post",
              "create" + scope + r.kind(),
              "create a " + r.kind(),
              kind,
              writeParameters(false),
              "body"));
      c.put(
          "delete",
          operation(
              r,
              tag,
              "deletecollection",
              "deleteCollection" + scope + r.kind(),
              "delete collection of " + r.kind(),
              BuiltinDefinitions.META + "Status",
              List.of(),
              null));
      c.put("parameters", pathParameters(r.namespaced(), false));
      paths.put(collection, c);

      Map<String, Object> o = new LinkedHashMap<>();
      o.put(
          "get",
          operation(
              r,
              tag,
              "get",
              "read" + scope + r.kind(),
              "read the specified " + r.kind(),
              kind,
              List.of(),
              null));
      o.put(
          "put",
          operation(
              r,
              tag,
              "put",
              "replace" + scope + r.kind(),
              "replace the specified " + r.kind(),
              kind,
              writeParameters(false),
              "body"));
      o.put(
          "patch",
          operation(
              r,
              tag,
              "patch",
              "patch" + scope + r.kind(),
              "partially update the specified " + r.kind(),
              kind,
              writeParameters(true),
              "patch"));
      o.put(
          "delete",
          operation(
              r,
              tag,
              "delete",
              "delete" + scope + r.kind(),
              "delete a " + r.kind(),
              BuiltinDefinitions.META + "Status",
              List.of(),
              null));
      o.put("parameters", pathParameters(r.namespaced(), true));
      paths.put(object, o);

      if (r.hasStatus()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(
            "get",
            operation(
                r,
                tag,
                "get",
                "read" + scope + r.kind() + "Status",
                "read status of the specified " + r.kind(),
                kind,
                List.of(),
                null));
        s.put(
            "put",
            operation(
                r,
                tag,
                "put",
                "replace" + scope + r.kind() + "Status",
                "replace status of the specified " + r.kind(),
                kind,
                writeParameters(false),
                "body"));
        s.put(
            "patch",
            operation(
                r,
                tag,
                "patch",
                "patch" + scope + r.kind() + "Status",
                "partially update status of the specified " + r.kind(),
                kind,
                writeParameters(true),
                "patch"));
        s.put("parameters", pathParameters(r.namespaced(), true));
        paths.put(object + "/status", s);
      }
    }
    return paths;
  }

  private Map<String, Object> operation(
      Discovery.ApiResource r,
      String tag,
      String action,
      String id,
      String description,
      String responseSchema,
      List<Object> parameters,
      String body) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("tags", List.of(tag));
    op.put("description", description);
    op.put("operationId", id);
    List<Object> params = new ArrayList<>(parameters);
    String bodySchema = "patch".equals(body) ? BuiltinDefinitions.META + "Patch" : responseSchema;
    List<String> patchTypes = schemas.isCustom(r) ? CUSTOM_PATCH_TYPES : PATCH_TYPES;
    if (body != null && flavor == Flavor.V2) {
      params.add(
          0,
          Map.of(
              "name",
              "body",
              "in",
              "body",
              "required",
              true,
              "schema",
              Map.of("$ref", flavor.refPrefix + bodySchema)));
      op.put("consumes", "patch".equals(body) ? patchTypes : List.of("*/*"));
      op.put("produces", List.of("application/json", "application/yaml"));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (body != null && flavor == Flavor.V3) {
      Map<String, Object> content = new LinkedHashMap<>();
      for (String type : "patch".equals(body) ? patchTypes : List.of("*/*")) {
        content.put(type, Map.of("schema", Map.of("$ref", flavor.refPrefix + bodySchema)));
      }
      op.put("requestBody", Map.of("content", content, "required", true));
    }
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("description", "OK");
    if (flavor == Flavor.V2) {
      ok.put("schema", Map.of("$ref", flavor.refPrefix + responseSchema));
    } else {
      ok.put(
          "content",
          Map.of(
              "application/json",
              Map.of("schema", Map.of("$ref", flavor.refPrefix + responseSchema))));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    responses.put("200", ok);
    responses.put("401", Map.of("description", "Unauthorized"));
    op.put("responses", responses);
    op.put("x-kubernetes-action", action);
    op.put("x-kubernetes-group-version-kind", OpenApiSchemas.gvk(r.group(), r.version(), r.kind()));
    return op;
  }

  private List<Object> writeParameters(boolean patch) {
    List<Object> params = new ArrayList<>();
    params.add(
        query(
            "dryRun",
            "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"));
    params.add(
        query(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes."));
    params.add(query("fieldValidation", FIELD_VALIDATION_DOC));
    if (patch) {
      Map<String, Object> force =
          query(
              "force",
              "Force is going to \"force\" Apply requests. It is required for apply requests and must be unset for other patches.");
      if (flavor == Flavor.V2) {
        force.put("type", "boolean");
      } else {
        force.put("schema", Map.of("type", "boolean", "uniqueItems", true));
      }
      params.add(force);
    }
    return params;
  }

  private Map<String, Object> query(String name, String description) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("in", "query");
    p.put("description", description);
    if (flavor == Flavor.V2) {
      p.put("type", "string");
      p.put("uniqueItems", true);
    } else {
      p.put("schema", Map.of("type", "string", "uniqueItems", true));
    }
    return p;
  }

  private List<Object> pathParameters(boolean namespaced, boolean named) {
    List<Object> params = new ArrayList<>();
    if (named) {
      params.add(pathParameter("name", "name of the resource"));
    }
    if (namespaced) {
      params.add(
          pathParameter("namespace", "object name and auth scope, such as for teams and projects"));
    }
    params.add(query("pretty", "If 'true', then the output is pretty printed."));
    return params;
  }

  private Map<String, Object> pathParameter(String name, String description) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("in", "path");
    p.put("description", description);
    p.put("required", true);
    if (flavor == Flavor.V2) {
      p.put("type", "string");
      p.put("uniqueItems", true);
    } else {
      p.put("schema", Map.of("type", "string", "uniqueItems", true));
    }
    return p;
  }
}
