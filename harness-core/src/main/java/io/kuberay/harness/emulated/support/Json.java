package io.kuberay.harness.emulated.support;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/** One serializer for the emulator: converting between custom-resource maps and typed fabric8 models. */
public final class Json {

  public static final KubernetesSerialization SERDE = new KubernetesSerialization();

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
}
