package io.kuberay.harness.emulated.node.runtime;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code $NAME} and {@code ${NAME}} in a value, as the container's shell expands them in the
 * operator's generated {@code ray start} command (e.g. {@code --redis-password=$REDIS_PASSWORD});
 * an unset variable becomes empty, as in sh.
 */
final class ShellVariables {

  private static final Pattern VARIABLE =
      Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))");

  private ShellVariables() {}

  static String expand(String value, Map<String, String> env) {
    if (value.indexOf('$') < 0) {
      return value;
    }
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(name, "")));
    }
    m.appendTail(out);
    return out.toString();
  }
}
