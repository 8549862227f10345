package io.kuberay.harness.emulated.support;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' {@code validation.IsDNS1035Label} (apimachinery {@code util/validation}): at most 63
 * characters of lower-case letters, digits and '-', starting with a letter and ending with a letter
 * or digit; its error texts as Go words them.
 */
public final class Dns1035Label {

  public static final int MAX_LENGTH = 63;

  /** The regex error ({@code RegexError(dns1035LabelErrMsg, ...)}). */
  public static final String FORMAT_ERROR =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or"
          + " 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  private static final Pattern FORMAT = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private Dns1035Label() {}

  /** Whether {@code name} has the label's form (its length aside). */
  public static boolean hasFormat(String name) {
    return FORMAT.matcher(name).matches();
  }

  /**
   * The errors {@code IsDNS1035Label} returns, printed as Go's {@code %v} prints a {@code []string}
   * ({@code [a b]}), as KubeRay's name checks do; empty for a valid label.
   */
  public static Optional<String> errors(String name) {
    StringBuilder out = new StringBuilder();
    if (name.length() > MAX_LENGTH) {
      out.append("must be no more than ").append(MAX_LENGTH).append(" characters");
    }
    if (!hasFormat(name)) {
      out.append(out.isEmpty() ? "" : " ").append(FORMAT_ERROR);
    }
    return out.isEmpty() ? Optional.empty() : Optional.of("[" + out + "]");
  }
}
