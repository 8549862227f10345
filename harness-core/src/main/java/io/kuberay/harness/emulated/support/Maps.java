package io.kuberay.harness.emulated.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads nested JSON-like maps (custom resources as the API server stores them) without casts
 * everywhere.
 */
public final class Maps {

  private Maps() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
  }

  public static Object get(Map<String, Object> root, String... path) {
    Object current = root;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  public static Optional<String> string(Map<String, Object> root, String... path) {
    Object v = get(root, path);
    return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
  }

  public static Optional<Integer> integer(Map<String, Object> root, String... path) {
    Object v = get(root, path);
    if (v instanceof Number n) {
      return Optional.of(n.intValue());
    }
    if (v instanceof String s && !s.isBlank()) {
      return Optional.of(Integer.parseInt(s.trim()));
    }
    return Optional.empty();
  }

  public static boolean bool(Map<String, Object> root, String... path) {
    Object v = get(root, path);
    return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(String.valueOf(v));
  }

  /**
   * Map of string values, as rayStartParams is typed; numbers and booleans written unquoted become
   * text.
   */
  public static Map<String, String> stringMap(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    map(value).forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
    return out;
  }
}
