package io.kuberay.harness.emulated.api.protobuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every built-in message of the release the emulator reports, as {@code
 * tools/protobuf/builtin-messages.py} extracts it from k8s.io/api's generated.proto files and Go
 * JSON tags: which message an apiVersion/kind is, and each message's fields. Loaded once per JVM on
 * the first protobuf body, read-only.
 */
final class ProtoMessages {

  static final String RESOURCE = "kubernetes-messages.json";
  private static final String META_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1";

  private static final class Holder {
    static final ProtoMessages INSTANCE = load();
  }

  private final Map<String, String> packages;
  private final Map<String, Map<Integer, ProtoField>> messages;
  private final Set<String> wrappers;

  private ProtoMessages(
      Map<String, String> packages,
      Map<String, Map<Integer, ProtoField>> messages,
      Set<String> wrappers) {
    this.packages = packages;
    this.messages = messages;
    this.wrappers = wrappers;
  }

  static ProtoMessages get() {
    return Holder.INSTANCE;
  }

  /**
   * The message of a kind; meta.k8s.io's own kinds (DeleteOptions...) travel under any group's
   * version.
   */
  Optional<String> messageOf(String apiVersion, String kind) {
    String pkg = packages.get(apiVersion);
    if (pkg == null) {
      return Optional.empty();
    }
    for (String candidate : List.of(pkg + "." + kind, META_V1 + "." + kind)) {
      if (messages.containsKey(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  boolean knowsGroupVersion(String apiVersion) {
    return packages.containsKey(apiVersion);
  }

  /** A message's fields by number; empty for a message not in the table. */
  Map<Integer, ProtoField> fields(String message) {
    return messages.getOrDefault(message, Map.of());
  }

  boolean has(String message) {
    return messages.containsKey(message);
  }

  /** Messages that are a list in JSON ({@code type ExtraValue []string}): their items. */
  boolean isWrapper(String message) {
    return wrappers.contains(message);
  }

  @SuppressWarnings("unchecked")
  private static ProtoMessages load() {
    try (InputStream in = ProtoMessages.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE
                + " is missing from the classpath; regenerate it with tools/protobuf/builtin-messages.py");
      }
      Map<String, Object> document = JsonMapper.builder().build().readValue(in, Map.class);
      Map<String, Map<Integer, ProtoField>> messages = new HashMap<>();
      ((Map<String, List<List<Object>>>) document.get("messages"))
          .forEach(
              (name, fields) -> {
                Map<Integer, ProtoField> byNumber = new HashMap<>();
                for (List<Object> f : fields) {
                  ProtoField field = ProtoField.of(f);
                  byNumber.put(field.number(), field);
                }
                messages.put(name, Map.copyOf(byNumber));
              });
      return new ProtoMessages(
          Map.copyOf((Map<String, String>) document.get("groupVersions")),
          Map.copyOf(messages),
          Set.copyOf((List<String>) document.get("wrappers")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One field: its JSON name, its type (a scalar's proto name or a message's full name; a map's key
   * type), and how Go's JSON writes it.
   */
  record ProtoField(
      int number,
      String json,
      String type,
      boolean repeated,
      boolean map,
      boolean omitsZero,
      boolean inline,
      String mapValue) {

    static ProtoField of(List<Object> entry) {
      String flags = (String) entry.get(3);
      return new ProtoField(
          ((Number) entry.get(0)).intValue(),
          (String) entry.get(1),
          (String) entry.get(2),
          flags.contains("r"),
          flags.contains("m"),
          flags.contains("z"),
          flags.contains("i"),
          entry.size() > 4 ? (String) entry.get(4) : null);
    }
  }
}
