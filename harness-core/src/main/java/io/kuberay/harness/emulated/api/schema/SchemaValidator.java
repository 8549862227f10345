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
 * default}s, prunes the fields the schema does not declare, then reports type, required, enum and
 * range violations with the API server's wording. On an update an error is ratcheted
 * (CRDValidationRatcheting, GA in Kubernetes 1.33): it is dropped when the value it sits in, or one
 * above it, is unchanged from the old object's correlated value (same field, map key or {@code
 * x-kubernetes-list-type: map} item; other lists correlate only as a whole). Covers the keywords
 * KubeRay's CRDs use; unknown keywords are ignored rather than guessed at.
 */
final class SchemaValidator {

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private final List<String> causes = new ArrayList<>();

  /**
   * How many leading characters of a field path the message's "in body" name leaves out: none for
   * the main resource's validator, {@code status.} for the status subresource's, which is rooted at
   * the status (so {@code status.failed: Invalid value: ...: failed in body must be ...}).
   */
  private final int rootLength;

  private SchemaValidator(int rootLength) {
    this.rootLength = rootLength;
  }

  /**
   * A write of the main resource: its spec and status (when {@code object} has one) are defaulted,
   * pruned and validated in place.
   *
   * @param old the stored object on an update, whose unchanged values are not judged; null on a
   *     create
   */
  static List<String> apply(
      Map<String, Object> schema, Map<String, Object> object, Map<String, Object> old) {
    SchemaValidator v = new SchemaValidator(0);
    Map<String, Object> properties = Maps.map(schema.get("properties"));
    // metadata, apiVersion and kind are validated by the API server itself, not the CRD schema.
    for (String top : List.of("spec", "status")) {
      if (object.containsKey(top) && properties.containsKey(top)) {
        object.put(
            top, v.walk(Maps.map(properties.get(top)), object.get(top), child(old, top), top));
      }
    }
    if (old == null || !CelSubset.same(object, old)) {
      checkRequired(schema, object, "", v.causes, List.of("spec"));
    }
    return v.causes;
  }

  /**
   * A {@code /status} write (apiextensions-apiserver's status strategy): the request's status is
   * defaulted and pruned as every request body is, then only the status is validated, by a
   * validator rooted at the status schema and ratcheted against the stored status.
   *
   * @param object the stored object carrying the request's status
   */
  static List<String> applyStatus(
      Map<String, Object> schema, Map<String, Object> object, Map<String, Object> old) {
    Object statusSchema = Maps.map(schema.get("properties")).get("status");
    if (!(statusSchema instanceof Map<?, ?>) || !object.containsKey("status")) {
      return List.of();
    }
    SchemaValidator v = new SchemaValidator("status.".length());
    object.put(
        "status",
        v.walk(Maps.map(statusSchema), object.get("status"), child(old, "status"), "status"));
    return v.causes;
  }

  /** The old value a child correlates with: the same field or map key, null when there is none. */
  private static Object child(Object old, String key) {
    return old instanceof Map<?, ?> m ? m.get(key) : null;
  }

  private Object walk(Map<String, Object> schema, Object value, Object old, String path) {
    int before = causes.size();
    Object result = check(schema, value, old, path);
    if (causes.size() > before && old != null && CelSubset.same(result, old)) {
      // Ratcheting: the update left this value as it was, so none of its errors count.
      causes.subList(before, causes.size()).clear();
    }
    return result;
  }

  private Object check(Map<String, Object> schema, Object value, Object old, String path) {
    if (value == null) {
      // Absent and null are treated alike for optional fields, as the API server prunes nulls.
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
                + name(path)
                + " in body must be of type integer or string: \""
                + kind(value)
                + "\"");
      } else if (value instanceof String s) {
        pattern(schema, s, path);
      }
      return value;
    }
    if (type == null) {
      return value;
    }
    switch (type) {
      case "object":
        if (!(value instanceof Map)) {
          return typeError(path, value, "object");
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
        if (!keepsUnknown && !properties.isEmpty()) {
          // Unknown fields were reported under the request's fieldValidation; here they go.
          object.keySet().removeIf(k -> !properties.containsKey(k));
        }
        for (Map.Entry<String, Object> e : object.entrySet()) {
          Map<String, Object> child =
              properties.containsKey(e.getKey())
                  ? Maps.map(properties.get(e.getKey()))
                  : schema.get("additionalProperties") instanceof Map<?, ?> m ? Maps.map(m) : null;
          if (child != null) {
            e.setValue(walk(child, e.getValue(), child(old, e.getKey()), path + "." + e.getKey()));
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
          return typeError(path, value, "array");
        }
        List<Object> items = Maps.list(value);
        Map<String, Object> itemSchema = Maps.map(schema.get("items"));
        for (int i = 0; i < items.size(); i++) {
          Object oldItem = ValidationRules.correlated(schema, items.get(i), old);
          items.set(i, walk(itemSchema, items.get(i), oldItem, path + "[" + i + "]"));
        }
        return items;
      case "integer":
        if (!(value instanceof Number n)
            || new BigDecimal(n.toString()).stripTrailingZeros().scale() > 0) {
          return typeError(path, value, "integer");
        }
        range(schema, n, path);
        return value;
      case "number":
        if (!(value instanceof Number num)) {
          return typeError(path, value, "number");
        }
        range(schema, num, path);
        return value;
      case "boolean":
        return value instanceof Boolean ? value : typeError(path, value, "boolean");
      case "string":
        if (!(value instanceof String s)) {
          return typeError(path, value, "string");
        }
        List<Object> allowed = Maps.list(schema.get("enum"));
        if (!allowed.isEmpty() && !allowed.contains(s)) {
          StringBuilder supported = new StringBuilder();
          for (Object a : allowed) {
            supported.append(supported.length() == 0 ? "" : ", ").append('"').append(a).append('"');
          }
          causes.add(path + ": Unsupported value: \"" + s + "\": supported values: " + supported);
        }
        pattern(schema, s, path);
        return value;
      default:
        return value;
    }
  }

  /** The field's name as the schema validator that judged it calls it in a message. */
  private String name(String path) {
    return path.length() <= rootLength ? "" : path.substring(rootLength);
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
  private void pattern(Map<String, Object> schema, String value, String path) {
    if (schema.get("pattern") instanceof String regex
        && !PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(value).find()) {
      causes.add(
          path
              + ": Invalid value: \""
              + value
              + "\": "
              + name(path)
              + " in body should match '"
              + regex
              + "'");
    }
  }

  private void range(Map<String, Object> schema, Number n, String path) {
    BigDecimal v = new BigDecimal(n.toString());
    if (schema.get("minimum") instanceof Number min
        && v.compareTo(new BigDecimal(min.toString())) < 0) {
      causes.add(
          path
              + ": Invalid value: "
              + n
              + ": "
              + name(path)
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
              + name(path)
              + " in body should be less than or equal to "
              + plain(max));
    }
  }

  private static String plain(Number n) {
    return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
  }

  private Object typeError(String path, Object value, String expected) {
    causes.add(
        path
            + ": Invalid value: \""
            + kind(value)
            + "\": "
            + name(path)
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
