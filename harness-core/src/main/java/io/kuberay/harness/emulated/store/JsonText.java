package io.kuberay.harness.emulated.store;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON text to and from plain maps, for the API server's storage: a bare Jackson mapper, which
 * skips the detour through fabric8's typed-model serialization (YAML sniffing, a byte copy) that
 * the store never needs.
 */
public final class JsonText {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonText() {}

  /** Parses a JSON object; a body that is not one is the client's error (400). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String json) {
    try {
      Object value = MAPPER.readValue(json, Object.class);
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      throw new ApiException(400, "BadRequest", "the request body is not a JSON object");
    } catch (JacksonException e) {
      throw new ApiException(
          400, "BadRequest", "the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  /** A deep copy of a JSON-like map. */
  public static Map<String, Object> copy(Map<String, Object> value) {
    return value == null ? new LinkedHashMap<>() : readObject(write(value));
  }
}
