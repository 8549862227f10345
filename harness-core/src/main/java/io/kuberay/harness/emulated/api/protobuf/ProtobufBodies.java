package io.kuberay.harness.emulated.api.protobuf;

import io.kuberay.harness.emulated.store.ApiException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}), as
 * Go clients send built-in types: kubectl's create/run/expose subcommands, Helm's release Secrets.
 * The body is the magic {@code k8s\0} and a {@code runtime.Unknown} whose {@code raw} is the
 * object's message; it becomes the same map the JSON body would have parsed to. Any built-in kind
 * of the reported release decodes, from the table {@link ProtoMessages} loads; unknown fields are
 * skipped as protobuf readers do.
 */
public final class ProtobufBodies {

  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

  /** The k8s.io/api release of the message table (tools/protobuf/builtin-messages.py). */
  static final String KUBERNETES_API = "v1.31 (k8s.io/api v0.31.0)";

  private static final byte[] MAGIC = {'k', '8', 's', 0};

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
    ProtoMessages messages = ProtoMessages.get();
    String message = messages.messageOf(apiVersion, kind).orElse(null);
    if (message == null) {
      throw unsupported(messages, apiVersion, kind);
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    if (new ProtoDecoder(messages).decode(new ProtoWire(raw), message)
        instanceof Map<?, ?> fields) {
      fields.forEach((k, v) -> object.put((String) k, v));
    }
    return object;
  }

  private static ApiException unsupported(ProtoMessages messages, String apiVersion, String kind) {
    return new ApiException(
        415,
        "UnsupportedMediaType",
        "the emulated API server decodes "
            + CONTENT_TYPE
            + " bodies of the built-in kinds of Kubernetes "
            + KUBERNETES_API
            + ", and "
            + (messages.knowsGroupVersion(apiVersion)
                ? apiVersion + " has no kind " + kind
                : "apiVersion '" + apiVersion + "' is not a built-in group/version")
            + "; send "
            + kind
            + " as application/json (Go clients: rest.Config.ContentType)");
  }
}
