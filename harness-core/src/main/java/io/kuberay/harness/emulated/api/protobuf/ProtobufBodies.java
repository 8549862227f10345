package io.kuberay.harness.emulated.api.protobuf;

import io.kuberay.harness.emulated.store.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}), as
 * Go clients send built-in types: Helm's release Secrets, {@code helm install --create-namespace}'s
 * Namespace. The body is the magic {@code k8s\0} and a {@code runtime.Unknown} whose {@code raw} is
 * the object's message; it becomes the same map the JSON body would have parsed to (Go's JSON omits
 * empty values, so empty ones are dropped). Field numbers are those of k8s.io/api's
 * generated.proto; unknown fields are skipped as protobuf readers do.
 */
public final class ProtobufBodies {

  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private enum Type {
    STRING,
    BYTES,
    INT,
    BOOL,
    TIME,
    MESSAGE,
    STRING_MAP,
    BYTES_MAP,
    STRINGS,
    MESSAGES
  }

  private record Field(String name, Type type, Map<Integer, Field> message) {
    static Field of(String name, Type type) {
      return new Field(name, type, null);
    }
  }

  private static final Map<Integer, Field> OWNER_REFERENCE =
      Map.of(
          5,
          Field.of("apiVersion", Type.STRING),
          1,
          Field.of("kind", Type.STRING),
          3,
          Field.of("name", Type.STRING),
          4,
          Field.of("uid", Type.STRING),
          6,
          Field.of("controller", Type.BOOL),
          7,
          Field.of("blockOwnerDeletion", Type.BOOL));

  private static final Map<Integer, Field> OBJECT_META =
      Map.ofEntries(
          Map.entry(1, Field.of("name", Type.STRING)),
          Map.entry(2, Field.of("generateName", Type.STRING)),
          Map.entry(3, Field.of("namespace", Type.STRING)),
          Map.entry(4, Field.of("selfLink", Type.STRING)),
          Map.entry(5, Field.of("uid", Type.STRING)),
          Map.entry(6, Field.of("resourceVersion", Type.STRING)),
          Map.entry(7, Field.of("generation", Type.INT)),
          Map.entry(8, Field.of("creationTimestamp", Type.TIME)),
          Map.entry(9, Field.of("deletionTimestamp", Type.TIME)),
          Map.entry(10, Field.of("deletionGracePeriodSeconds", Type.INT)),
          Map.entry(11, Field.of("labels", Type.STRING_MAP)),
          Map.entry(12, Field.of("annotations", Type.STRING_MAP)),
          Map.entry(13, new Field("ownerReferences", Type.MESSAGES, OWNER_REFERENCE)),
          Map.entry(14, Field.of("finalizers", Type.STRINGS)));

  private static final Field METADATA = new Field("metadata", Type.MESSAGE, OBJECT_META);

  private static final Map<Integer, Field> RESOURCE_ATTRIBUTES =
      Map.of(
          1,
          Field.of("namespace", Type.STRING),
          2,
          Field.of("verb", Type.STRING),
          3,
          Field.of("group", Type.STRING),
          4,
          Field.of("version", Type.STRING),
          5,
          Field.of("resource", Type.STRING),
          6,
          Field.of("subresource", Type.STRING),
          7,
          Field.of("name", Type.STRING));

  private static final Map<Integer, Field> NON_RESOURCE_ATTRIBUTES =
      Map.of(1, Field.of("path", Type.STRING), 2, Field.of("verb", Type.STRING));

  /**
   * The kinds decoded, by apiVersion/kind ({@code kubectl auth can-i} sends its reviews in protobuf
   * too).
   */
  private static final Map<String, Map<Integer, Field>> KINDS =
      Map.of(
          "authorization.k8s.io/v1/SelfSubjectAccessReview",
              Map.of(
                  1,
                  METADATA,
                  2,
                  new Field(
                      "spec",
                      Type.MESSAGE,
                      Map.of(
                          1,
                          new Field("resourceAttributes", Type.MESSAGE, RESOURCE_ATTRIBUTES),
                          2,
                          new Field(
                              "nonResourceAttributes", Type.MESSAGE, NON_RESOURCE_ATTRIBUTES)))),
          "authorization.k8s.io/v1/SelfSubjectRulesReview",
              Map.of(
                  1,
                  METADATA,
                  2,
                  new Field("spec", Type.MESSAGE, Map.of(1, Field.of("namespace", Type.STRING)))),
          "v1/Secret",
              Map.of(
                  1,
                  METADATA,
                  2,
                  Field.of("data", Type.BYTES_MAP),
                  3,
                  Field.of("type", Type.STRING),
                  4,
                  Field.of("stringData", Type.STRING_MAP),
                  5,
                  Field.of("immutable", Type.BOOL)),
          "v1/ConfigMap",
              Map.of(
                  1,
                  METADATA,
                  2,
                  Field.of("data", Type.STRING_MAP),
                  3,
                  Field.of("binaryData", Type.BYTES_MAP),
                  4,
                  Field.of("immutable", Type.BOOL)),
          "v1/Namespace",
              Map.of(
                  1,
                  METADATA,
                  2,
                  new Field(
                      "spec", Type.MESSAGE, Map.of(1, Field.of("finalizers", Type.STRINGS)))));

  private ProtobufBodies() {}

  public static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.trim().startsWith(CONTENT_TYPE);
  }

  /**
   * Whether a response may be JSON: Go clients that send protobuf accept {@code
   * application/vnd.kubernetes.protobuf,application/json} and read whichever comes back; no Accept
   * header, or a wildcard, allows it too.
   */
  public static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      String type = range.split(";")[0].trim();
      if (type.equals("*/*")
          || type.equals("application/*")
          || type.equals("application/json")
          || type.endsWith("+json")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The object of a protobuf request body, as its JSON would have parsed; a 415 for a kind not
   * decoded here.
   */
  public static Map<String, Object> decode(byte[] body) {
    if (body.length < MAGIC.length
        || body[0] != MAGIC[0]
        || body[1] != MAGIC[1]
        || body[2] != MAGIC[2]
        || body[3] != MAGIC[3]) {
      throw new ApiException(
          400,
          "BadRequest",
          "the request body is not valid Kubernetes protobuf: it does not start with the magic bytes k8s\\0");
    }
    ProtoWire unknown = new ProtoWire(Arrays.copyOfRange(body, MAGIC.length, body.length));
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    while (unknown.hasMore()) {
      int tag = unknown.tag();
      switch (tag >>> 3) {
        case 1 -> {
          ProtoWire typeMeta = unknown.message();
          while (typeMeta.hasMore()) {
            int t = typeMeta.tag();
            switch (t >>> 3) {
              case 1 -> apiVersion = typeMeta.string();
              case 2 -> kind = typeMeta.string();
              default -> typeMeta.skip(t & 7);
            }
          }
        }
        case 2 -> raw = unknown.bytes();
        default -> unknown.skip(tag & 7);
      }
    }
    Map<Integer, Field> schema = KINDS.get(apiVersion + "/" + kind);
    if (schema == null) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "the emulated API server decodes "
              + CONTENT_TYPE
              + " bodies of "
              + String.join(", ", KINDS.keySet().stream().sorted().toList())
              + " only, not "
              + kind
              + " of "
              + apiVersion
              + "; send it as application/json (Go clients: rest.Config.ContentType)");
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.putAll(message(new ProtoWire(raw), schema));
    return object;
  }

  private static Map<String, Object> message(ProtoWire wire, Map<Integer, Field> schema) {
    Map<String, Object> out = new LinkedHashMap<>();
    while (wire.hasMore()) {
      int tag = wire.tag();
      Field field = schema.get(tag >>> 3);
      if (field == null) {
        wire.skip(tag & 7);
        continue;
      }
      switch (field.type()) {
        case STRING -> out.put(field.name(), wire.string());
        case BYTES -> out.put(field.name(), Base64.getEncoder().encodeToString(wire.bytes()));
        case INT -> out.put(field.name(), wire.varint());
        case BOOL -> out.put(field.name(), wire.varint() != 0);
        case TIME -> out.put(field.name(), time(wire.message()));
        case MESSAGE -> out.put(field.name(), message(wire.message(), field.message()));
        case STRING_MAP, BYTES_MAP ->
            entry(wire.message(), field.type() == Type.BYTES_MAP, mapOf(out, field.name()));
        case STRINGS -> listOf(out, field.name()).add(wire.string());
        case MESSAGES -> listOf(out, field.name()).add(message(wire.message(), field.message()));
        default -> throw new IllegalStateException(field.type().name());
      }
    }
    out.values().removeIf(ProtobufBodies::empty);
    return out;
  }

  /**
   * Go's JSON leaves out empty strings, zero numbers, unset times and empty maps and lists ({@code
   * omitempty}); booleans are pointers, kept when sent.
   */
  private static boolean empty(Object value) {
    return value == null
        || "".equals(value)
        || Long.valueOf(0).equals(value)
        || (value instanceof Map<?, ?> m && m.isEmpty())
        || (value instanceof List<?> l && l.isEmpty());
  }

  private static void entry(ProtoWire wire, boolean bytesValue, Map<String, Object> into) {
    String key = "";
    Object value = "";
    while (wire.hasMore()) {
      int tag = wire.tag();
      switch (tag >>> 3) {
        case 1 -> key = wire.string();
        case 2 ->
            value = bytesValue ? Base64.getEncoder().encodeToString(wire.bytes()) : wire.string();
        default -> wire.skip(tag & 7);
      }
    }
    into.put(key, value);
  }

  /**
   * metav1.Time: seconds and nanos since the epoch; JSON has it to the second, RFC 3339. Unset
   * (zero) is null.
   */
  private static String time(ProtoWire wire) {
    long seconds = 0;
    while (wire.hasMore()) {
      int tag = wire.tag();
      if (tag >>> 3 == 1) {
        seconds = wire.varint();
      } else {
        wire.skip(tag & 7);
      }
    }
    return seconds == 0 ? null : Instant.ofEpochSecond(seconds).toString();
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
