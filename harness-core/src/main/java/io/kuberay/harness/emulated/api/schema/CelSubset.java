package io.kuberay.harness.emulated.api.schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The part of CEL that CRD validation rules ({@code x-kubernetes-validations}) are written in most
 * of the time: {@code self} and {@code oldSelf} with field selection, {@code has()}, {@code
 * size()}, {@code !}, {@code &&}, {@code ||}, comparisons, {@code in} and string, number, boolean,
 * null and list literals. Every rule of KubeRay's CRDs (v1.1.0 to v1.7.0) is in it. A rule outside
 * it is refused by {@link #parse} rather than guessed at, so the caller can say it was not checked.
 */
final class CelSubset {

  /** A rule this subset cannot read. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  /** A runtime error, worded as cel-go words it ({@code no such key: x}). */
  static final class EvalError extends Exception {
    EvalError(String message) {
      super(message, null, false, false);
    }
  }

  /** A parsed rule. */
  interface Expr {
    Object eval(Map<String, Object> vars) throws EvalError;
  }

  private final List<String> tokens;
  private int at;

  private CelSubset(List<String> tokens) {
    this.tokens = tokens;
  }

  static Expr parse(String rule) throws Unsupported {
    CelSubset parser = new CelSubset(tokenize(rule));
    Expr expr = parser.or();
    if (parser.at != parser.tokens.size()) {
      throw new Unsupported("unexpected '" + parser.tokens.get(parser.at) + "'");
    }
    return expr;
  }

  /** Whether the rule reads {@code oldSelf}: a transition rule, evaluated on updates only. */
  static boolean isTransitionRule(String rule) {
    try {
      return tokenize(rule).contains("oldSelf");
    } catch (Unsupported e) {
      return false;
    }
  }

  private Expr or() throws Unsupported {
    Expr left = and();
    while (accept("||")) {
      Expr l = left;
      Expr r = and();
      left = vars -> logical(l, r, vars, true);
    }
    return left;
  }

  private Expr and() throws Unsupported {
    Expr left = comparison();
    while (accept("&&")) {
      Expr l = left;
      Expr r = comparison();
      left = vars -> logical(l, r, vars, false);
    }
    return left;
  }

  /**
   * CEL's {@code &&}/{@code ||} are commutative: a side that decides the result wins over an error
   * on the other side.
   */
  private static Object logical(Expr l, Expr r, Map<String, Object> vars, boolean or)
      throws EvalError {
    EvalError error = null;
    for (Expr side : List.of(l, r)) {
      try {
        Object v = side.eval(vars);
        if (!(v instanceof Boolean b)) {
          throw new EvalError("no such overload");
        }
        if (b == or) {
          return or;
        }
      } catch (EvalError e) {
        error = error == null ? e : error;
      }
    }
    if (error != null) {
      throw error;
    }
    return !or;
  }

  /** CEL's {@code !} binds tighter than comparisons: {@code !a in l} is {@code (!a) in l}. */
  private Expr negatable() throws Unsupported {
    if (accept("!")) {
      Expr operand = negatable();
      return vars -> {
        if (!(operand.eval(vars) instanceof Boolean b)) {
          throw new EvalError("no such overload");
        }
        return !b;
      };
    }
    return primary();
  }

  private Expr comparison() throws Unsupported {
    Expr left = negatable();
    String op = peek();
    if (List.of("==", "!=", "<", "<=", ">", ">=", "in").contains(op)) {
      at++;
      Expr right = negatable();
      return vars -> compare(op, left.eval(vars), right.eval(vars));
    }
    return left;
  }

  private static Object compare(String op, Object a, Object b) throws EvalError {
    switch (op) {
      case "==":
        return same(a, b);
      case "!=":
        return !same(a, b);
      case "in":
        if (b instanceof Map<?, ?> map) {
          return map.containsKey(a);
        }
        if (!(b instanceof List<?> list)) {
          throw new EvalError("no such overload");
        }
        for (Object item : list) {
          if (same(a, item)) {
            return true;
          }
        }
        return false;
      default:
        int c;
        if (a instanceof Number x && b instanceof Number y) {
          c = new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        } else if (a instanceof String x && b instanceof String y) {
          c = x.compareTo(y);
        } else {
          throw new EvalError("no such overload");
        }
        return switch (op) {
          case "<" -> c < 0;
          case "<=" -> c <= 0;
          case ">" -> c > 0;
          default -> c >= 0;
        };
    }
  }

  /** CEL's equality: numbers by value, lists and maps element by element. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Object k : x.keySet()) {
        if (!same(x.get(k), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private Expr primary() throws Unsupported {
    String t = next();
    if (t.equals("(")) {
      Expr inner = or();
      expect(")");
      return inner;
    }
    if (t.equals("has")) {
      expect("(");
      String root = next();
      List<String> path = new ArrayList<>();
      while (accept(".")) {
        path.add(identifier());
      }
      expect(")");
      if (!isVariable(root) || path.isEmpty()) {
        throw new Unsupported("has() takes a field selection");
      }
      String field = path.remove(path.size() - 1);
      return vars -> select(vars.get(root), path) instanceof Map<?, ?> m && m.containsKey(field);
    }
    if (t.equals("size")) {
      expect("(");
      Expr operand = or();
      expect(")");
      return vars -> size(operand.eval(vars));
    }
    if (t.equals("[")) {
      List<Expr> items = new ArrayList<>();
      if (!accept("]")) {
        do {
          items.add(or());
        } while (accept(","));
        expect("]");
      }
      return vars -> {
        List<Object> out = new ArrayList<>();
        for (Expr item : items) {
          out.add(item.eval(vars));
        }
        return out;
      };
    }
    if (isVariable(t)) {
      List<String> path = new ArrayList<>();
      while (accept(".")) {
        path.add(identifier());
      }
      return vars -> select(vars.get(t), path);
    }
    Object literal = literal(t);
    return vars -> literal;
  }

  private static boolean isVariable(String token) {
    return token.equals("self") || token.equals("oldSelf");
  }

  private static Object select(Object value, List<String> path) throws EvalError {
    Object v = value;
    for (String field : path) {
      if (!(v instanceof Map<?, ?> m)) {
        throw new EvalError("no such overload");
      }
      if (!m.containsKey(field)) {
        throw new EvalError("no such key: " + field);
      }
      v = m.get(field);
    }
    return v;
  }

  private static Object size(Object value) throws EvalError {
    if (value instanceof String s) {
      return (long) s.codePointCount(0, s.length());
    }
    if (value instanceof List<?> l) {
      return (long) l.size();
    }
    if (value instanceof Map<?, ?> m) {
      return (long) m.size();
    }
    throw new EvalError("no such overload");
  }

  private static Object literal(String t) throws Unsupported {
    if (t.startsWith("'") || t.startsWith("\"")) {
      return t.substring(1, t.length() - 1);
    }
    switch (t) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      default:
        break;
    }
    if (t.matches("-?\\d+")) {
      return Long.parseLong(t);
    }
    if (t.matches("-?\\d+\\.\\d+")) {
      return Double.parseDouble(t);
    }
    throw new Unsupported("'" + t + "'");
  }

  private String identifier() throws Unsupported {
    String t = next();
    if (!t.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new Unsupported("a field name was expected, not '" + t + "'");
    }
    return t;
  }

  private String peek() {
    return at < tokens.size() ? tokens.get(at) : "";
  }

  private String next() throws Unsupported {
    if (at >= tokens.size()) {
      throw new Unsupported("the rule ends too early");
    }
    return tokens.get(at++);
  }

  private boolean accept(String token) {
    if (peek().equals(token)) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String token) throws Unsupported {
    if (!accept(token)) {
      throw new Unsupported("'" + token + "' was expected, not '" + peek() + "'");
    }
  }

  private static List<String> tokenize(String rule) throws Unsupported {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < rule.length()) {
      char c = rule.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int end = rule.indexOf(c, i + 1);
        if (end < 0 || rule.substring(i + 1, end).contains("\\")) {
          throw new Unsupported("string literal with escapes or unterminated");
        }
        out.add(rule.substring(i, end + 1));
        i = end + 1;
      } else if (Character.isLetterOrDigit(c) || c == '_') {
        int start = i;
        while (i < rule.length()
            && (Character.isLetterOrDigit(rule.charAt(i))
                || rule.charAt(i) == '_'
                || (rule.charAt(i) == '.'
                    && Character.isDigit(rule.charAt(start))
                    && i + 1 < rule.length()
                    && Character.isDigit(rule.charAt(i + 1))))) {
          i++;
        }
        out.add(rule.substring(start, i));
      } else {
        String two = i + 1 < rule.length() ? rule.substring(i, i + 2) : "";
        if (List.of("&&", "||", "==", "!=", "<=", ">=").contains(two)) {
          out.add(two);
          i += 2;
        } else if ("()[],.!<>".indexOf(c) >= 0) {
          out.add(String.valueOf(c));
          i++;
        } else {
          throw new Unsupported("'" + c + "'");
        }
      }
    }
    return out;
  }
}
