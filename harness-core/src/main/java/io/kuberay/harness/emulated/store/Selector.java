package io.kuberay.harness.emulated.store;

import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A request's {@code labelSelector} and {@code fieldSelector}, parsed as the API server parses them
 * (equality, inequality, set-based {@code in}/{@code notin}, existence) and matched against stored
 * objects. Field selectors on {@code metadata.name} and {@code metadata.namespace} read the index;
 * other fields (e.g. a pod's {@code spec.nodeName}, an event's {@code involvedObject.name}) read
 * the object.
 */
public final class Selector implements Predicate<StoredObject> {

  public static final Selector ALL = new Selector(List.of(), List.of());

  private enum Op {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    NOT_EXISTS
  }

  private record Requirement(String key, Op op, Set<String> values) {}

  private final List<Requirement> labels;
  private final List<Requirement> fields;

  private Selector(List<Requirement> labels, List<Requirement> fields) {
    this.labels = labels;
    this.fields = fields;
  }

  /**
   * Parses both selectors (null or empty: no constraint); a malformed one is a 400, as on a real
   * server.
   */
  public static Selector parse(String labelSelector, String fieldSelector) {
    List<Requirement> labels = blank(labelSelector) ? List.of() : labels(labelSelector.trim());
    List<Requirement> fields = blank(fieldSelector) ? List.of() : fields(fieldSelector.trim());
    return labels.isEmpty() && fields.isEmpty() ? ALL : new Selector(labels, fields);
  }

  /** Only objects named {@code name}: a watch or list of one object. */
  public Selector withName(String name) {
    List<Requirement> more = new ArrayList<>(fields);
    more.add(new Requirement("metadata.name", Op.EQUALS, Set.of(name)));
    return new Selector(labels, List.copyOf(more));
  }

  @Override
  public boolean test(StoredObject o) {
    for (Requirement r : labels) {
      if (!matches(r, o.labels().get(r.key()))) {
        return false;
      }
    }
    Map<String, Object> parsed = null;
    for (Requirement r : fields) {
      String value;
      if ("metadata.name".equals(r.key())) {
        value = o.name();
      } else if ("metadata.namespace".equals(r.key())) {
        value = o.namespace() == null ? "" : o.namespace();
      } else {
        if (parsed == null) {
          parsed = o.object();
        }
        Object v = Maps.get(parsed, r.key().split("\\."));
        value = v == null ? "" : String.valueOf(v);
      }
      if (!matches(r, value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Requirement r, String value) {
    return switch (r.op()) {
      case EQUALS, IN -> value != null && r.values().contains(value);
      case NOT_EQUALS, NOT_IN -> value == null || !r.values().contains(value);
      case EXISTS -> value != null;
      case NOT_EXISTS -> value == null;
    };
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static List<Requirement> labels(String selector) {
    List<Requirement> out = new ArrayList<>();
    for (String part : splitOutsideParentheses(selector)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw invalid(selector);
      }
      String[] set = p.split("\\s+(?=(in|notin)\\s*\\()", 2);
      if (set.length == 2) {
        String rest = set[1].trim();
        boolean in = rest.startsWith("in");
        String list = rest.substring(in ? 2 : 5).trim();
        if (!list.startsWith("(") || !list.endsWith(")")) {
          throw invalid(selector);
        }
        Set<String> values =
            Set.copyOf(
                List.of(list.substring(1, list.length() - 1).split("\\s*,\\s*")).stream()
                    .map(String::trim)
                    .toList());
        out.add(new Requirement(set[0].trim(), in ? Op.IN : Op.NOT_IN, values));
      } else if (p.startsWith("!")) {
        out.add(new Requirement(p.substring(1).trim(), Op.NOT_EXISTS, Set.of()));
      } else if (p.contains("!=") || p.contains("=")) {
        out.add(equality(p, selector));
      } else {
        out.add(new Requirement(p, Op.EXISTS, Set.of()));
      }
    }
    return List.copyOf(out);
  }

  private static List<Requirement> fields(String selector) {
    List<Requirement> out = new ArrayList<>();
    for (String part : selector.split(",")) {
      String p = part.trim();
      if (!p.contains("=")) {
        throw new ApiException(
            400,
            "BadRequest",
            "invalid field selector: '"
                + selector
                + "': invalid selector: '"
                + p
                + "'; can't understand '"
                + p
                + "'");
      }
      out.add(equality(p, selector));
    }
    return List.copyOf(out);
  }

  private static Requirement equality(String p, String selector) {
    int ne = p.indexOf("!=");
    if (ne > 0) {
      return new Requirement(
          p.substring(0, ne).trim(), Op.NOT_EQUALS, Set.of(p.substring(ne + 2).trim()));
    }
    int eq = p.indexOf('=');
    if (eq <= 0) {
      throw invalid(selector);
    }
    String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
    return new Requirement(p.substring(0, eq).trim(), Op.EQUALS, Set.of(value));
  }

  private static List<String> splitOutsideParentheses(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static ApiException invalid(String selector) {
    return new ApiException(
        400,
        "BadRequest",
        "unable to parse requirement: invalid label selector: '" + selector + "'");
  }

  @Override
  public String toString() {
    return Objects.toString(labels) + " " + fields;
  }
}
