package io.kuberay.harness.emulated.store;

import io.kuberay.harness.emulated.support.Maps;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a strategic merge patch finds each field's patch strategy and merge key: a kind's OpenAPI
 * (v2) schema, whose properties carry {@code x-kubernetes-patch-strategy} and {@code
 * x-kubernetes-patch-merge-key} as the Go types' struct tags do. {@link #NONE} knows no field: maps
 * merge, lists are replaced.
 */
public final class PatchSchema {

  public static final PatchSchema NONE = new PatchSchema(Map.of(), ref -> Map.of());

  /** One field's metadata and the schema of its value. */
  record Field(String strategy, String mergeKey, PatchSchema schema) {}

  private final Map<String, Object> schema;
  private final Function<String, Map<String, Object>> resolver;

  /**
   * @param schema an object's schema, possibly a {@code $ref}
   * @param resolver resolves a {@code #/definitions/...} reference
   */
  public PatchSchema(Map<String, Object> schema, Function<String, Map<String, Object>> resolver) {
    this.schema = resolve(schema, resolver);
    this.resolver = resolver;
  }

  private static Map<String, Object> resolve(
      Map<String, Object> schema, Function<String, Map<String, Object>> resolver) {
    Map<String, Object> s = schema;
    for (int i = 0; i < 32 && s.get("$ref") instanceof String ref; i++) {
      s = resolver.apply(ref);
    }
    return s == null ? Map.of() : s;
  }

  /**
   * The field {@code name} of this object (or a map's value schema); unknown fields have no
   * strategy. The strategy is apimachinery's: {@code retainKeys} alone is no list or map strategy
   * (its {@code $retainKeys} directive does the work).
   */
  Field field(String name) {
    Object raw = Maps.map(schema.get("properties")).get(name);
    if (raw == null && schema.get("additionalProperties") instanceof Map<?, ?> additional) {
      raw = additional;
    }
    if (!(raw instanceof Map<?, ?>)) {
      return new Field("", "", NONE);
    }
    Map<String, Object> field = Maps.map(raw);
    String strategy = "";
    if (field.get("x-kubernetes-patch-strategy") instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isEmpty() && !part.equals("retainKeys")) {
          strategy = part;
        }
      }
    }
    String mergeKey = field.get("x-kubernetes-patch-merge-key") instanceof String k ? k : "";
    return new Field(strategy, mergeKey, new PatchSchema(field, resolver));
  }

  /** The schema of this list's elements. */
  PatchSchema items() {
    return schema.get("items") instanceof Map<?, ?> items
        ? new PatchSchema(Maps.map(items), resolver)
        : NONE;
  }
}
