package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One serializer for the emulator: converting between custom-resource maps and typed fabric8
 * models.
 */
public final class Json {

  public static final KubernetesSerialization SERDE = new KubernetesSerialization();

  /**
   * Plain JSON text, as Go's encoding/json writes it for maps (no fabric8 model settings): hashes
   * depend on it.
   */
  private static final JsonMapper PLAIN = JsonMapper.builder().build();

  private Json() {}

  public static <T> T convert(Object value, Class<T> type) {
    return SERDE.convertValue(value, type);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(Object value) {
    return SERDE.convertValue(value, Map.class);
  }

  public static <T> T copy(T value) {
    return SERDE.clone(value);
  }

  /** JSON text of a map, list or scalar. */
  public static String write(Object value) {
    return PLAIN.writeValueAsString(value);
  }

  /**
   * Parses a JSON object; anything else (invalid JSON, an array) is an IllegalArgumentException.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String json) {
    Object value;
    try {
      value = PLAIN.readValue(json, Object.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("not a JSON object: " + json);
  }
}
