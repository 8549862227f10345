package io.kuberay.harness.emulated.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's query parameters, repeated keys kept in order ({@code command=python&command=-c}).
 */
public final class QueryString {

  private final Map<String, List<String>> params = new LinkedHashMap<>();

  public QueryString(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return;
    }
    for (String kv : rawQuery.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
  }

  public List<String> all(String key) {
    return params.getOrDefault(key, List.of());
  }

  public String first(String key) {
    List<String> values = all(key);
    return values.isEmpty() ? null : values.get(0);
  }

  public boolean flag(String key) {
    String v = first(key);
    return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1"));
  }
}
