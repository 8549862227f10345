package io.kuberay.harness.emulated.store;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A read-only JSON object that keeps its serialized text, written as it is whenever a map holding
 * it is serialized: what lets every environment of a JVM store a CRD's megabyte of schema without
 * serializing it again. Shared between threads and environments, so neither it nor the maps inside
 * it may change.
 */
@JsonSerialize(using = FrozenJson.Writer.class)
public final class FrozenJson extends AbstractMap<String, Object> {

  private final Map<String, Object> map;
  private final String json;

  private FrozenJson(Map<String, Object> map, String json) {
    this.map = map;
    this.json = json;
  }

  public static FrozenJson of(Map<String, Object> map) {
    return new FrozenJson(Collections.unmodifiableMap(map), JsonText.write(map));
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return map.entrySet();
  }

  @Override
  public Object get(Object key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  static final class Writer extends ValueSerializer<FrozenJson> {
    @Override
    public void serialize(FrozenJson value, JsonGenerator gen, SerializationContext context) {
      gen.writeRawValue(value.json);
    }
  }
}
