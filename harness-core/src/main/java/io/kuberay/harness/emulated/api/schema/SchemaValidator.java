package io.kuberay.harness.emulated.api.schema;

import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Applies a CRD's structural OpenAPI v3 schema to an object as the API server does: fills in {@code
 * default}s, then reports type, required, enum and range violations with the API server's wording.
 * Covers the keywords KubeRay's CRDs use; unknown keywords are ignored rather than guessed at.
 */
final class SchemaValidator {

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaValidator() {}

  /** Defaults and validates {@code value} in place; returns the causes, empty when valid. */
  static List<String> apply(Map<String, Object> schema, Map<String, Object> object) {
    return apply(schema, object, new ArrayList<>());
  }

  /**
   * Like {@link #apply(Map, Map)}, and prunes fields the structural schema does not declare (as the
   * API server does unless {@code x-kubernetes-preserve-unknown-fields}), adding their paths to
   * {@code pruned}.
   */
  static List<String> apply(
      Map<String, Object> schema, Map<String, Object> object, List<String> pruned) {
    List<String> causes = new ArrayList<>();
    Map<String, Object> properties = Maps.map(schema.get("properties"));
    // metadata, apiVersion and kind are validated by the API server itself, not the CRD schema.
    for (String top : List.of("spec", "status")) {
      if (object.containsKey(top) && properties.containsKey(top)) {
        object.put(top, walk(Maps.map(properties.get(top)), object.get(top), top, causes, pruned));
      }
    }
    checkRequired(schema, object, "", causes, List.of("spec"));
    return causes;
  }

  /**
   * A status write's defaults: apiextensions-apiserver defaults every request's object by its
   * structural schema, a {@code /status} PUT's too, whose status it then keeps (e.g. RayJob's
   * {@code status.succeeded} and {@code failed}, {@code default: 0} from KubeRay v1.2.0's CRD).
   * Nothing is validated or pruned here.
   */
  static void defaultStatus(Map<String, Object> schema, Map<String, Object> object) {
    Object statusSchema = Maps.map(schema.get("properties")).get("status");
    if (statusSchema instanceof Map<?, ?> && object.get("status") instanceof Map<?, ?>) {
      walk(
          Maps.map(statusSchema),
          object.get("status"),
          "status",
          new ArrayList<>(),
          new ArrayList<>());
    }
  }

  private static Object walk(
      Map<String, Object> schema,
      Object value,
      String path,
      List<String> causes,
      List<String> pruned) {
    if (value == null) {
      if (!Maps.bool(schema, "nullable")) {
        // Absent and null are treated alike for optional fields, as the API server prunes nulls.
        return null;
      }
      return null;
    }
    boolean intOrString = Maps.bool(schema, "x-kubernetes-int-or-string");
    String type = (String) schema.get("type");
    if (intOrString) {
      if (!(value instanceof Number) && !(value instanceof String)) {
        causes.add(
            path
                + ": Invalid value: \""
                + kind(value)
                + "\": "
                + path
                + " in body must be of type integer or string: \""
                + kind(value)
                + "\"");
      } else if (value instanceof String s) {
        pattern(schema, s, path, causes);
      }
      return value;
    }
    if (type == null) {
      return value;
    }
    switch (type) {
      case "object":
        if (!(value instanceof Map)) {
          return typeError(path, value, "object", causes);
        }
        Map<String, Object> object = Maps.map(value);
        Map<String, Object> properties = Maps.map(schema.get("properties"));
        for (Map.Entry<String, Object> p : properties.entrySet()) {
          Map<String, Object> propSchema = Maps.map(p.getValue());
          if (!object.containsKey(p.getKey()) && propSchema.containsKey("default")) {
            object.put(p.getKey(), Json.copy(propSchema.get("default")));
          }
        }
        boolean keepsUnknown =
            Maps.bool(schema, "x-kubernetes-preserve-unknown-fields")
                || schema.containsKey("additionalProperties");
        if (!keepsUnknown && !properties.isEmpty() && path.startsWith("spec")) {
          object
              .keySet()
              .removeIf(
                  k -> {
                    boolean unknown = !properties.containsKey(k);
                    if (unknown) {
                      pruned.add(path + "." + k);
                    }
                    return unknown;
                  });
        }
        for (Map.Entry<String, Object> e : object.entrySet()) {
          Map<String, Object> child =
              properties.containsKey(e.getKey())
                  ? Maps.map(properties.get(e.getKey()))
                  : schema.get("additionalProperties") instanceof Map<?, ?> m ? Maps.map(m) : null;
          if (child != null) {
            e.setValue(walk(child, e.getValue(), path + "." + e.getKey(), causes, pruned));
          }
        }
        checkRequired(
            schema,
            object,
            path,
            causes,
            Maps.list(schema.get("required")).stream().map(String::valueOf).toList());
        return object;
      case "array":
        if (!(value instanceof List)) {
          return typeError(path, value, "array", causes);
        }
        List<Object> items = Maps.list(value);
        Map<String, Object> itemSchema = Maps.map(schema.get("items"));
        for (int i = 0; i < items.size(); i++) {
          items.set(i, walk(itemSchema, items.get(i), path + "[" + i + "]", causes, pruned));
        }
        return items;
      case "integer":
        if (!(value instanceof Number n)
            || new BigDecimal(n.toString()).stripTrailingZeros().scale() > 0) {
          return typeError(path, value, "integer", causes);
        }
        range(schema, n, path, causes);
        return value;
      case "number":
        if (!(value instanceof Number num)) {
          return typeError(path, value, "number", causes);
        }
        range(schema, num, path, causes);
        return value;
      case "boolean":
        return value instanceof Boolean ? value : typeError(path, value, "boolean", causes);
      case "string":
        if (!(value instanceof String s)) {
          return typeError(path, value, "string", causes);
        }
        List<Object> allowed = Maps.list(schema.get("enum"));
        if (!allowed.isEmpty() && !allowed.contains(s)) {
          StringBuilder supported = new StringBuilder();
          for (Object a : allowed) {
            supported.append(supported.length() == 0 ? "" : ", ").append('"').append(a).append('"');
          }
          causes.add(path + ": Unsupported value: \"" + s + "\": supported values: " + supported);
        }
        pattern(schema, s, path, causes);
        return value;
      default:
        return value;
    }
  }

  private static void checkRequired(
      Map<String, Object> schema,
      Map<String, Object> object,
      String path,
      List<String> causes,
      List<String> required) {
    if (path.isEmpty()) {
      // Top level: only spec's presence matters here, and only when the schema requires it.
      List<String> top = Maps.list(schema.get("required")).stream().map(String::valueOf).toList();
      for (String r : top) {
        if (!object.containsKey(r)) {
          causes.add(r + ": Required value");
        }
      }
      return;
    }
    for (String r : required) {
      if (!object.containsKey(r) || object.get(r) == null) {
        causes.add(path + "." + r + ": Required value");
      }
    }
  }

  /**
   * The schema's {@code pattern} (an RE2 expression; the quantity patterns KubeRay's CRDs use read
   * the same in Java).
   */
  private static void pattern(
      Map<String, Object> schema, String value, String path, List<String> causes) {
    if (schema.get("pattern") instanceof String regex
        && !PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(value).find()) {
      causes.add(
          path
              + ": Invalid value: \""
              + value
              + "\": "
              + path
              + " in body should match '"
              + regex
              + "'");
    }
  }

  private static void range(
      Map<String, Object> schema, Number n, String path, List<String> causes) {
    BigDecimal v = new BigDecimal(n.toString());
    if (schema.get("minimum") instanceof Number min
        && v.compareTo(new BigDecimal(min.toString())) < 0) {
      causes.add(
          path
              + ": Invalid value: "
              + n
              + ": "
              + path
              + " in body should be greater than or equal to "
              + plain(min));
    }
    if (schema.get("maximum") instanceof Number max
        && v.compareTo(new BigDecimal(max.toString())) > 0) {
      causes.add(
          path
              + ": Invalid value: "
              + n
              + ": "
              + path
              + " in body should be less than or equal to "
              + plain(max));
    }
  }

  private static String plain(Number n) {
    return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
  }

  private static Object typeError(String path, Object value, String expected, List<String> causes) {
    causes.add(
        path
            + ": Invalid value: \""
            + kind(value)
            + "\": "
            + path
            + " in body must be of type "
            + expected
            + ": \""
            + kind(value)
            + "\"");
    return value;
  }

  private static String kind(Object value) {
    if (value instanceof Map) {
      return "object";
    }
    if (value instanceof List) {
      return "array";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString()).stripTrailingZeros().scale() > 0 ? "number" : "integer";
    }
    return "null";
  }
}
