package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.store.JsonText;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of the served kinds as the API server names and publishes them: built-in kinds from
 * Kubernetes' definitions, custom resources from their CRD's {@code openAPIV3Schema} (named {@code
 * io.ray.v1.RayCluster}), with {@code apiVersion}, {@code kind} and {@code metadata} added as the
 * server adds them. Written in OpenAPI v2 form ({@code #/definitions/} references); {@link #toV3}
 * turns a schema into v3 form.
 */
final class OpenApiSchemas {

  private static final String API_VERSION_DOC =
      "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas"
          + " to the latest internal value, and may reject unrecognized values. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
  private static final String KIND_DOC =
      "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint"
          + " the client submits requests to. Cannot be updated. In CamelCase. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
  private static final String METADATA_DOC =
      "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  private final BuiltinDefinitions builtin = BuiltinDefinitions.get();

  /** group/version/plural → the CRD version's openAPIV3Schema. */
  private final Map<String, Map<String, Object>> crdSchemas;

  /**
   * Custom resources' schemas as published, made once per instance (a RayCluster schema is large).
   */
  private final Map<String, Map<String, Object>> published = new ConcurrentHashMap<>();

  OpenApiSchemas(Map<String, Map<String, Object>> crdSchemas) {
    this.crdSchemas = crdSchemas;
  }

  /**
   * The CRD-defined schemas of {@code crds}, keyed group/version/plural, for served versions that
   * have one.
   */
  static Map<String, Map<String, Object>> fromCrds(Iterable<Map<String, Object>> crds) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> crd : crds) {
      Map<String, Object> spec = Maps.map(crd.get("spec"));
      String plural = String.valueOf(Maps.map(spec.get("names")).get("plural"));
      for (Object v : Maps.list(spec.get("versions"))) {
        Map<String, Object> version = Maps.map(v);
        Object schema = Maps.get(version, "schema", "openAPIV3Schema");
        if (Maps.bool(version, "served") && schema instanceof Map<?, ?>) {
          out.put(spec.get("group") + "/" + version.get("name") + "/" + plural, Maps.map(schema));
        }
      }
    }
    return out;
  }

  /**
   * The name of a resource's kind schema: Kubernetes' definition name, or the reversed-group name
   * of a custom resource.
   */
  Optional<String> name(Discovery.ApiResource r) {
    if (crdSchemas.containsKey(key(r))) {
      return Optional.of(customName(r.group(), r.version(), r.kind()));
    }
    return builtin.nameOf(r.group(), r.version(), r.kind());
  }

  /** Whether a CRD defines the resource's schema (a custom resource). */
  boolean isCustom(Discovery.ApiResource r) {
    return crdSchemas.containsKey(key(r));
  }

  /** The list kind's schema name, when there is one. */
  Optional<String> listName(Discovery.ApiResource r) {
    if (crdSchemas.containsKey(key(r))) {
      return Optional.of(customName(r.group(), r.version(), r.kind() + "List"));
    }
    return builtin.nameOf(r.group(), r.version(), r.kind() + "List");
  }

  /** A resource's schema in v2 form, if it has one: what unknown-field checks walk. */
  Optional<Map<String, Object>> schema(Discovery.ApiResource r) {
    Map<String, Object> crd = crdSchemas.get(key(r));
    if (crd != null) {
      return Optional.of(published.computeIfAbsent(key(r), k -> customSchema(r, crd)));
    }
    return builtin.nameOf(r.group(), r.version(), r.kind()).map(builtin::definition);
  }

  /** Resolves a {@code $ref} to a built-in definition. */
  Map<String, Object> resolve(String ref) {
    return builtin.definition(ref.substring(ref.lastIndexOf('/') + 1));
  }

  /**
   * The schemas the resources' paths refer to, and everything those refer to, by name (v2 form).
   */
  Map<String, Object> definitions(List<Discovery.ApiResource> resources) {
    Map<String, Object> custom = new TreeMap<>();
    Set<String> roots =
        new LinkedHashSet<>(
            List.of(
                BuiltinDefinitions.META + "Status",
                BuiltinDefinitions.META + "DeleteOptions",
                BuiltinDefinitions.META + "Patch"));
    for (Discovery.ApiResource r : resources) {
      Map<String, Object> crd = crdSchemas.get(key(r));
      if (crd != null) {
        custom.put(
            customName(r.group(), r.version(), r.kind()),
            published.computeIfAbsent(key(r), k -> customSchema(r, crd)));
        custom.put(customName(r.group(), r.version(), r.kind() + "List"), customList(r));
        roots.add(BuiltinDefinitions.OBJECT_META);
        roots.add(BuiltinDefinitions.META + "ListMeta");
      } else {
        name(r).ifPresent(roots::add);
        listName(r).ifPresent(roots::add);
      }
    }
    Map<String, Object> out = builtin.closure(roots);
    out.putAll(custom);
    return out;
  }

  private static String key(Discovery.ApiResource r) {
    return r.group() + "/" + r.version() + "/" + r.plural();
  }

  /** {@code ray.io}, {@code v1}, {@code RayCluster} → {@code io.ray.v1.RayCluster}. */
  static String customName(String group, String version, String kind) {
    List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
    Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  private static Map<String, Object> customSchema(
      Discovery.ApiResource r, Map<String, Object> crdSchema) {
    Map<String, Object> schema = JsonText.copy(crdSchema);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("apiVersion", Map.of("description", API_VERSION_DOC, "type", "string"));
    properties.put("kind", Map.of("description", KIND_DOC, "type", "string"));
    properties.put("metadata", ref(BuiltinDefinitions.OBJECT_META, METADATA_DOC));
    Maps.map(schema.get("properties"))
        .forEach(
            (k, v) -> {
              if (!properties.containsKey(k)) {
                properties.put(k, v);
              }
            });
    schema.put("properties", properties);
    schema.putIfAbsent("type", "object");
    schema.put("x-kubernetes-group-version-kind", List.of(gvk(r.group(), r.version(), r.kind())));
    return schema;
  }

  private static Map<String, Object> customList(Discovery.ApiResource r) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("apiVersion", Map.of("description", API_VERSION_DOC, "type", "string"));
    properties.put(
        "items",
        Map.of(
            "description",
            "List of "
                + r.plural()
                + ". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
            "type",
            "array",
            "items",
            Map.of("$ref", "#/definitions/" + customName(r.group(), r.version(), r.kind()))));
    properties.put("kind", Map.of("description", KIND_DOC, "type", "string"));
    properties.put(
        "metadata",
        ref(
            BuiltinDefinitions.META + "ListMeta",
            "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"));
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("description", r.kind() + "List is a list of " + r.kind());
    list.put("required", List.of("items"));
    list.put("properties", properties);
    list.put("type", "object");
    list.put(
        "x-kubernetes-group-version-kind", List.of(gvk(r.group(), r.version(), r.kind() + "List")));
    return list;
  }

  static Map<String, Object> gvk(String group, String version, String kind) {
    Map<String, Object> gvk = new LinkedHashMap<>();
    gvk.put("group", group);
    gvk.put("kind", kind);
    gvk.put("version", version);
    return gvk;
  }

  private static Map<String, Object> ref(String definition, String description) {
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("$ref", "#/definitions/" + definition);
    ref.put("description", description);
    return ref;
  }

  /**
   * A schema in OpenAPI v3 form, as the API server publishes v3: references point into {@code
   * #/components/schemas/}, and a reference with a description beside it becomes {@code allOf:
   * [ref]} (a v3 {@code $ref} ignores siblings).
   */
  @SuppressWarnings("unchecked")
  static Object toV3(Object node) {
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(toV3(v)));
      return out;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> in = (Map<String, Object>) map;
    Map<String, Object> out = new LinkedHashMap<>();
    Object ref = in.get("$ref");
    boolean isRef = ref instanceof String;
    for (Map.Entry<String, Object> e : in.entrySet()) {
      if (isRef && "$ref".equals(e.getKey())) {
        continue;
      }
      // properties' keys are field names, not keywords: a field may be called "$ref"
      // (JSONSchemaProps).
      out.put(
          e.getKey(),
          "properties".equals(e.getKey()) ? properties(e.getValue()) : toV3(e.getValue()));
    }
    if (isRef) {
      String target = ((String) ref).replace("#/definitions/", "#/components/schemas/");
      if (out.isEmpty()) {
        out.put("$ref", target);
      } else {
        out.put("allOf", List.of(Map.of("$ref", target)));
      }
    }
    return out;
  }

  private static Object properties(Object properties) {
    Map<String, Object> out = new LinkedHashMap<>();
    Maps.map(properties).forEach((k, v) -> out.put(k, toV3(v)));
    return out;
  }
}
