package io.kuberay.harness.emulated.api.schema;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CRD's {@code x-kubernetes-validations} rules applied to an object, as apiextensions-apiserver's
 * CEL validator does: each rule at each place its schema node has a value, {@code self} that value;
 * transition rules (those that read {@code oldSelf}) only on an update, where the old object has a
 * value at the same place (through object fields, map values and {@code x-kubernetes-list-type:
 * map} items). A rule the emulator's {@link CelSubset} cannot read is not checked; it is returned
 * in {@link Result#notChecked()} so that the response can say so.
 */
final class ValidationRules {

  /** The causes, in the API server's wording, and the rules that were not checked. */
  record Result(List<String> causes, List<String> notChecked) {}

  private static final Map<String, Object> PARSED = new ConcurrentHashMap<>();

  private final List<String> causes = new ArrayList<>();
  private final List<String> notChecked = new ArrayList<>();

  private ValidationRules() {}

  /**
   * @param old the stored object on an update, null on a create
   */
  static Result check(Map<String, Object> schema, Map<String, Object> object, Object old) {
    ValidationRules rules = new ValidationRules();
    rules.walk(schema, object, old, "");
    return new Result(List.copyOf(rules.causes), List.copyOf(rules.notChecked));
  }

  private void walk(Map<String, Object> schema, Object value, Object old, String path) {
    if (value == null) {
      return;
    }
    for (Object r : Maps.list(schema.get("x-kubernetes-validations"))) {
      apply(Maps.map(r), value, old, path);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> properties = Maps.map(schema.get("properties"));
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object child =
            properties.containsKey(key)
                ? properties.get(key)
                : additional instanceof Map<?, ?> ? additional : null;
        if (child instanceof Map<?, ?>) {
          Object oldChild = old instanceof Map<?, ?> o ? o.get(key) : null;
          walk(Maps.map(child), e.getValue(), oldChild, path.isEmpty() ? key : path + "." + key);
        }
      }
    } else if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      for (int i = 0; i < list.size(); i++) {
        walk(
            Maps.map(items),
            list.get(i),
            correlated(schema, list.get(i), old),
            path + "[" + i + "]");
      }
    }
  }

  /**
   * The old list's item with the same map keys; none for atomic lists and sets, as in Go (the
   * correlation CEL rules and schema ratcheting share).
   */
  static Object correlated(Map<String, Object> schema, Object item, Object old) {
    if (!"map".equals(schema.get("x-kubernetes-list-type"))
        || !(old instanceof List<?> oldList)
        || !(item instanceof Map<?, ?> m)) {
      return null;
    }
    List<Object> keys = Maps.list(schema.get("x-kubernetes-list-map-keys"));
    Map<Object, Object> wanted = new HashMap<>();
    for (Object k : keys) {
      wanted.put(k, m.get(k));
    }
    for (Object o : oldList) {
      if (o instanceof Map<?, ?> om) {
        boolean match = true;
        for (Object k : keys) {
          match &= CelSubset.same(wanted.get(k), om.get(k));
        }
        if (match) {
          return o;
        }
      }
    }
    return null;
  }

  private void apply(Map<String, Object> rule, Object value, Object old, String at) {
    String text = String.valueOf(rule.get("rule"));
    boolean transition = CelSubset.isTransitionRule(text);
    if (transition && old == null) {
      return;
    }
    if (!transition && old != null && CelSubset.same(value, old)) {
      // Ratcheting (Kubernetes 1.30+): a rule without oldSelf is not held against a value the
      // update left as it was, so a label or finalizer edit never fails on an older object.
      return;
    }
    String path = at.isEmpty() ? "<nil>" : at;
    if (Maps.bool(rule, "optionalOldSelf") || rule.get("messageExpression") != null) {
      notChecked.add(notChecked(text, path, "optionalOldSelf and messageExpression"));
      return;
    }
    Object parsed = PARSED.computeIfAbsent(text, ValidationRules::parse);
    if (parsed instanceof String why) {
      notChecked.add(notChecked(text, path, why));
      return;
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", value);
    vars.put("oldSelf", old);
    String shown = shown(value);
    String where = fieldPath(path, rule.get("fieldPath"));
    try {
      if (!Boolean.TRUE.equals(((CelSubset.Expr) parsed).eval(vars))) {
        causes.add(failure(where, shown, rule));
      }
    } catch (CelSubset.EvalError e) {
      String detail =
          e.getMessage().startsWith("no such overload")
              ? "'"
                  + e.getMessage()
                  + "': call arguments did not match a supported operator, function or macro"
                  + " signature for rule: "
                  + errorString(rule)
              : e.getMessage() + " evaluating rule: " + errorString(rule);
      causes.add(where + ": Invalid value: " + shown + detail);
    }
  }

  private static Object parse(String text) {
    try {
      return CelSubset.parse(text);
    } catch (CelSubset.Unsupported e) {
      return e.getMessage();
    }
  }

  /** {@code fieldErrorForReason}: the rule's reason picks the error type; Invalid by default. */
  private static String failure(String path, String shown, Map<String, Object> rule) {
    String message =
        rule.get("message") instanceof String m && !m.isBlank()
            ? m.strip()
            : "failed rule: " + errorString(rule);
    return switch (String.valueOf(rule.get("reason"))) {
      case "FieldValueForbidden" -> path + ": Forbidden: " + message;
      case "FieldValueRequired" -> path + ": Required value: " + message;
      case "FieldValueDuplicate" ->
          path + ": Duplicate value: " + shown.strip().replaceAll(":$", "");
      default -> path + ": Invalid value: " + shown + message;
    };
  }

  /**
   * The bad value as Kubernetes 1.36's {@code field.Error} prints it, with the separator after it:
   * a string quoted as Go's {@code %q}, a number or boolean as is, null as {@code null}; an object
   * or a list is left out (seen on k3s v1.36: {@code Invalid value: deletionStrategy requires...}).
   */
  private static String shown(Object value) {
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      return "";
    }
    if (value instanceof String s) {
      return goQuote(s) + ": ";
    }
    return value + ": ";
  }

  private static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String errorString(Map<String, Object> rule) {
    return rule.get("message") instanceof String m && !m.isBlank()
        ? m.strip()
        : String.valueOf(rule.get("rule")).strip();
  }

  /** A rule's {@code fieldPath} (a simple {@code .a.b} form) moves the error under its node. */
  private static String fieldPath(String path, Object fieldPath) {
    if (!(fieldPath instanceof String f) || f.isBlank()) {
      return path;
    }
    String child = f.startsWith(".") ? f.substring(1) : f;
    return path.equals("<nil>") ? child : path + "." + child;
  }

  private static String notChecked(String rule, String path, String why) {
    return "the emulated API server did not check the x-kubernetes-validations rule \""
        + rule
        + "\" at "
        + path
        + " ("
        + why
        + " is outside the CEL it evaluates: has(), size(), !, &&, ||, comparisons and in over"
        + " self, oldSelf and literals); the object was stored unchecked: use the k3s backend to"
        + " check it";
  }

  /**
   * Whether the schema has any rule: only then does the API server build a CEL validator for the
   * version, and only then does a blocking schema error add its "not checked" cause.
   */
  static boolean any(Object schema) {
    if (schema instanceof Map<?, ?> m) {
      if (m.get("x-kubernetes-validations") instanceof List<?> l && !l.isEmpty()) {
        return true;
      }
      for (Object v : m.values()) {
        if (any(v)) {
          return true;
        }
      }
    } else if (schema instanceof List<?> l) {
      for (Object v : l) {
        if (any(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether schema validation found an error that stops CEL rules, as {@code hasBlockingErr}. */
  static Optional<String> blocked(List<String> schemaCauses) {
    for (String cause : schemaCauses) {
      if (cause.contains(": Unsupported value: ")
          || cause.endsWith(": Required value")
          || cause.contains(": Too long: ")
          || cause.contains(": Too many: ")
          || cause.contains(" in body must be of type ")) {
        return Optional.of(
            "<nil>: Invalid value: null: some validation rules were not checked because the object"
                + " was invalid; correct the existing errors to complete validation");
      }
    }
    return Optional.empty();
  }
}
