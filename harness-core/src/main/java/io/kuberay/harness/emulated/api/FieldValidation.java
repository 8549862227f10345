package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiException;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-side field validation ({@code ?fieldValidation=Strict|Warn|Ignore}) as the API server does
 * it while decoding a request: unknown fields (not in the kind's schema) and duplicate fields (a
 * key twice in one JSON object) fail the request with 400 under Strict, come back as {@code
 * Warning} headers under Warn (the default when the parameter is absent), and are dropped silently
 * under Ignore.
 */
final class FieldValidation {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  enum Directive {
    STRICT,
    WARN,
    IGNORE
  }

  private FieldValidation() {}

  /**
   * The request's directive; an unknown value is the client's error, answered as the API server
   * answers it.
   */
  static Directive directive(String value) {
    if (value == null || value.isEmpty() || value.equals("Warn")) {
      return Directive.WARN;
    }
    if (value.equals("Strict")) {
      return Directive.STRICT;
    }
    if (value.equals("Ignore")) {
      return Directive.IGNORE;
    }
    throw new ApiException(
        400,
        "BadRequest",
        "fieldValidation: Unsupported value: \""
            + value
            + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }

  /**
   * The problems of one request: {@code unknown field "spec.foo"} and {@code duplicate field
   * "spec.bar"}, in the order the fields appear.
   */
  static List<String> problems(List<String> duplicates, List<String> unknown) {
    List<String> out = new ArrayList<>();
    duplicates.forEach(d -> out.add("duplicate field \"" + d + "\""));
    unknown.forEach(u -> out.add("unknown field \"" + u + "\""));
    return out;
  }

  /**
   * Under Strict, the 400 for a create or update body: {@code Kind in version "v1" cannot be
   * handled as a Kind: ...}.
   */
  static String bodyMessage(String kind, String version, List<String> problems) {
    return kind
        + " in version \""
        + version
        + "\" cannot be handled as a "
        + kind
        + ": strict decoding error: "
        + String.join(", ", problems);
  }

  /** Under Strict, the 400 for a patch whose result has unknown fields. */
  static String patchMessage(List<String> problems) {
    return "strict decoding error: " + String.join(", ", problems);
  }

  /**
   * Adds one {@code Warning: 299 - "..."} header per problem, as the API server's warning recorder
   * writes them.
   */
  static MockResponse warn(MockResponse response, List<String> problems) {
    for (String p : problems) {
      response.addHeader(
          "Warning", "299 - \"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return response;
  }

  /**
   * The paths of fields {@code object} has and {@code schema} does not declare. References are
   * resolved with {@code schemas}; objects whose schema declares no properties, maps ({@code
   * additionalProperties}) and {@code x-kubernetes-preserve-unknown-fields} take any field, as the
   * API server's decoder does.
   */
  static List<String> unknownFields(
      OpenApiSchemas schemas, Map<String, Object> schema, Map<String, Object> object) {
    List<String> out = new ArrayList<>();
    walk(schemas, schema, object, "", out, 0);
    return out;
  }

  private static void walk(
      OpenApiSchemas schemas,
      Map<String, Object> schema,
      Object value,
      String path,
      List<String> out,
      int depth) {
    if (value == null || depth > 64) {
      return;
    }
    Map<String, Object> s = schema;
    while (s.get("$ref") instanceof String ref) {
      s = schemas.resolve(ref);
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> object = Maps.map(m);
      Map<String, Object> properties = Maps.map(s.get("properties"));
      boolean preserve = Maps.bool(s, "x-kubernetes-preserve-unknown-fields");
      Object additional = s.get("additionalProperties");
      for (Map.Entry<String, Object> e : object.entrySet()) {
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        Object fieldSchema = properties.get(e.getKey());
        if (fieldSchema instanceof Map<?, ?> fs) {
          walk(schemas, Maps.map(fs), e.getValue(), child, out, depth + 1);
        } else if (additional instanceof Map<?, ?> as) {
          walk(schemas, Maps.map(as), e.getValue(), child, out, depth + 1);
        } else if (!properties.isEmpty() && !preserve && additional == null) {
          out.add(child);
        }
      }
    } else if (value instanceof List<?> list && s.get("items") instanceof Map<?, ?> items) {
      for (int i = 0; i < list.size(); i++) {
        walk(schemas, Maps.map(items), list.get(i), path + "[" + i + "]", out, depth + 1);
      }
    }
  }

  /**
   * The paths of keys that appear twice in one object of a JSON body; empty for a body that is not
   * JSON.
   */
  static List<String> duplicateFields(String json) {
    List<String> out = new ArrayList<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    Deque<Frame> stack = new ArrayDeque<>();
    try (JsonParser p = MAPPER.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        Frame top = stack.peek();
        switch (t) {
          case START_OBJECT, START_ARRAY -> stack.push(new Frame(top, t == JsonToken.START_ARRAY));
          case END_OBJECT, END_ARRAY -> {
            stack.pop();
            if (stack.peek() != null) {
              stack.peek().valueDone();
            }
          }
          case PROPERTY_NAME -> {
            String name = p.currentName();
            top.name = name;
            if (!top.seen.add(name)) {
              out.add(top.childPath());
            }
          }
          default -> {
            if (top != null) {
              top.valueDone();
            }
          }
        }
      }
    } catch (JacksonException e) {
      // Not JSON (a YAML apply patch, say): the body's own parse reports what is wrong with it.
      return List.of();
    }
    return out;
  }

  /**
   * One open object or array while scanning for duplicates; its path is built only when a duplicate
   * is found (every write of the API passes here, and nearly none has one).
   */
  private static final class Frame {
    final Frame parent;
    final boolean array;
    final Set<String> seen;
    String name;
    int index;

    Frame(Frame parent, boolean array) {
      this.parent = parent;
      this.array = array;
      this.seen = array ? null : new HashSet<>();
    }

    String childPath() {
      String path = parent == null ? "" : parent.childPath();
      if (array) {
        return path + "[" + index + "]";
      }
      return path.isEmpty() ? name : path + "." + name;
    }

    void valueDone() {
      if (array) {
        index++;
      }
    }
  }
}
