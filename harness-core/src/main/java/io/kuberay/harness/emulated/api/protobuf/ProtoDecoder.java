package io.kuberay.harness.emulated.api.protobuf;

import io.kuberay.harness.emulated.api.protobuf.ProtoMessages.ProtoField;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.support.GoDuration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One built-in message in the wire format, into the value Go's JSON encoding of the same Go struct
 * would parse to: JSON names from the Go tags, zero values of {@code omitempty} non-pointer fields
 * left out (Go's protobuf writes them, its JSON does not), inlined embedded structs merged into
 * their parent, and apimachinery's hand-written types as their JSON form.
 */
final class ProtoDecoder {

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ProtoMessages messages;

  ProtoDecoder(ProtoMessages messages) {
    this.messages = messages;
  }

  /** A message as its JSON value: an object, or a string/number/list for the special types. */
  Object decode(ProtoWire wire, String message) {
    return switch (message) {
      case QUANTITY -> firstString(wire);
      case INT_OR_STRING -> intOrString(wire);
      case META + "Time" -> time(wire, false);
      case META + "MicroTime" -> time(wire, true);
      case META + "Duration" -> GoDuration.format(firstVarint(wire));
      case RAW_EXTENSION, META + "FieldsV1" -> rawJson(wire);
      default -> messages.isWrapper(message) ? items(wire, message) : object(wire, message);
    };
  }

  private Map<String, Object> object(ProtoWire wire, String message) {
    Map<Integer, ProtoField> fields = messages.fields(message);
    Map<String, Object> out = new LinkedHashMap<>();
    while (wire.hasMore()) {
      int tag = wire.tag();
      ProtoField field = fields.get(tag >>> 3);
      if (field == null) {
        wire.skip(tag & 7);
        continue;
      }
      int wireType = tag & 7;
      if (field.map()) {
        entry(wire.message(), field, mapOf(out, field.json()));
      } else if (field.repeated()) {
        List<Object> list = listOf(out, field.json());
        if (wireType == ProtoWire.LENGTH_DELIMITED && packable(field.type())) {
          ProtoWire packed = wire.message();
          while (packed.hasMore()) {
            list.add(value(packed, field.type(), scalarWireType(field.type())));
          }
        } else {
          list.add(value(wire, field.type(), wireType));
        }
      } else if (field.inline()) {
        Object inner = value(wire, field.type(), wireType);
        if (inner instanceof Map<?, ?> m) {
          m.forEach((k, v) -> out.put((String) k, v));
        }
      } else {
        Object value = value(wire, field.type(), wireType);
        if (value == null || (field.omitsZero() && zero(value))) {
          out.remove(field.json());
        } else {
          out.put(field.json(), value);
        }
      }
    }
    return out;
  }

  private Object value(ProtoWire wire, String type, int wireType) {
    return switch (type) {
      case "string" -> wire.string();
      case "bytes" -> Base64.getEncoder().encodeToString(wire.bytes());
      case "bool" -> wire.varint() != 0;
      case "int32", "uint32" -> (int) wire.varint();
      case "int64", "uint64" -> number(wire.varint());
      case "sint32", "sint64" -> number(zigzag(wire.varint()));
      case "fixed32", "sfixed32" -> wire.fixed32();
      case "fixed64", "sfixed64" -> number(wire.fixed64());
      case "float" -> (double) Float.intBitsToFloat(wire.fixed32());
      case "double" -> Double.longBitsToDouble(wire.fixed64());
      default -> {
        if (!messages.has(type)) {
          wire.skip(wireType);
          yield null;
        }
        yield decode(wire.message(), type);
      }
    };
  }

  private void entry(ProtoWire wire, ProtoField field, Map<String, Object> into) {
    Object key = "";
    Object value = null;
    while (wire.hasMore()) {
      int tag = wire.tag();
      switch (tag >>> 3) {
        case 1 -> key = value(wire, field.type(), tag & 7);
        case 2 -> value = value(wire, field.mapValue(), tag & 7);
        default -> wire.skip(tag & 7);
      }
    }
    into.put(String.valueOf(key), value == null ? emptyOf(field.mapValue()) : value);
  }

  /** A map entry without its value holds the value type's zero, as Go's map does. */
  private Object emptyOf(String type) {
    return switch (type) {
      case "string", "bytes" -> "";
      case "bool" -> false;
      default -> messages.has(type) ? decode(new ProtoWire(new byte[0]), type) : 0;
    };
  }

  private List<Object> items(ProtoWire wire, String message) {
    Map<String, Object> object = object(wire, message);
    Object items = object.get("items");
    return items instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
  }

  private static String firstString(ProtoWire wire) {
    String value = "";
    while (wire.hasMore()) {
      int tag = wire.tag();
      if (tag >>> 3 == 1) {
        value = wire.string();
      } else {
        wire.skip(tag & 7);
      }
    }
    return value;
  }

  private static long firstVarint(ProtoWire wire) {
    long value = 0;
    while (wire.hasMore()) {
      int tag = wire.tag();
      if (tag >>> 3 == 1) {
        value = wire.varint();
      } else {
        wire.skip(tag & 7);
      }
    }
    return value;
  }

  /** IntOrString: type 0 is intVal, 1 is strVal, as a JSON number or string. */
  private static Object intOrString(ProtoWire wire) {
    long type = 0;
    int intVal = 0;
    String strVal = "";
    while (wire.hasMore()) {
      int tag = wire.tag();
      switch (tag >>> 3) {
        case 1 -> type = wire.varint();
        case 2 -> intVal = (int) wire.varint();
        case 3 -> strVal = wire.string();
        default -> wire.skip(tag & 7);
      }
    }
    return type == 1 ? strVal : intVal;
  }

  /**
   * metav1.Time is RFC 3339 to the second, MicroTime to the microsecond; the zero time is JSON null
   * (so absent).
   */
  private static String time(ProtoWire wire, boolean micro) {
    long seconds = 0;
    long nanos = 0;
    while (wire.hasMore()) {
      int tag = wire.tag();
      switch (tag >>> 3) {
        case 1 -> seconds = wire.varint();
        case 2 -> nanos = (int) wire.varint();
        default -> wire.skip(tag & 7);
      }
    }
    if (seconds == 0 && nanos == 0) {
      return null;
    }
    Instant instant = Instant.ofEpochSecond(seconds, micro ? nanos : 0);
    return micro ? MICRO_TIME.format(instant) : instant.toString();
  }

  /** RawExtension and FieldsV1 carry their JSON as bytes; it is the field's JSON value. */
  private static Object rawJson(ProtoWire wire) {
    byte[] raw = new byte[0];
    while (wire.hasMore()) {
      int tag = wire.tag();
      if (tag >>> 3 == 1) {
        raw = wire.bytes();
      } else {
        wire.skip(tag & 7);
      }
    }
    if (raw.length == 0) {
      return null;
    }
    try {
      return JSON.readValue(raw, Object.class);
    } catch (JacksonException e) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "an embedded object (runtime.RawExtension) in the protobuf body is not JSON ("
              + new String(raw, 0, Math.min(raw.length, 16), StandardCharsets.UTF_8)
              + "...); the emulated API server reads embedded objects as JSON only: send the request as application/json");
    }
  }

  private static boolean packable(String type) {
    return !type.equals("string") && !type.equals("bytes") && !type.contains(".");
  }

  private static int scalarWireType(String type) {
    return switch (type) {
      case "fixed32", "sfixed32", "float" -> ProtoWire.FIXED32;
      case "fixed64", "sfixed64", "double" -> ProtoWire.FIXED64;
      default -> ProtoWire.VARINT;
    };
  }

  private static boolean zero(Object value) {
    return "".equals(value)
        || Boolean.FALSE.equals(value)
        || (value instanceof Number n && n.doubleValue() == 0);
  }

  /** Integers as Jackson parses them: an Integer when it fits, else a Long. */
  private static Object number(long value) {
    return value == (int) value ? (Object) (int) value : (Object) value;
  }

  private static long zigzag(long n) {
    return (n >>> 1) ^ -(n & 1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOf(Map<String, Object> out, String name) {
    return (Map<String, Object>)
        out.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }

  @SuppressWarnings("unchecked")
  private static List<Object> listOf(Map<String, Object> out, String name) {
    return (List<Object>) out.computeIfAbsent(name, k -> new ArrayList<Object>());
  }
}
