package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Dns1035Label;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API server's name rules: RFC 1123 subdomains for most objects, DNS labels for a few, path
 * segments for RBAC objects.
 */
final class ObjectNames {

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private ObjectNames() {}

  /** The cause text when {@code name} is not valid for the resource, empty when it is. */
  static Optional<String> check(String plural, String group, String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("metadata.name: Required value: name or generateName is required");
    }
    if (group.isEmpty() && plural.equals("services")) {
      if (name.length() > 63 || !Dns1035Label.hasFormat(name)) {
        return Optional.of(
            "metadata.name: Invalid value: \"" + name + "\": " + Dns1035Label.FORMAT_ERROR);
      }
      return Optional.empty();
    }
    if (group.isEmpty() && plural.equals("namespaces")) {
      if (name.length() > 63 || !LABEL_1123.matcher(name).matches()) {
        return Optional.of(
            "metadata.name: Invalid value: \""
                + name
                + "\": a lowercase RFC 1123 label must consist of lower case"
                + " alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g."
                + " 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
      }
      return Optional.empty();
    }
    if (group.equals("rbac.authorization.k8s.io")) {
      // RBAC objects need only be a path segment: "system:discovery" is a valid ClusterRole name.
      return pathSegmentProblem(name)
          .map(p -> "metadata.name: Invalid value: \"" + name + "\": " + p);
    }
    if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      return Optional.of(
          "metadata.name: Invalid value: \""
              + name
              + "\": a lowercase RFC 1123 subdomain must consist of lower case"
              + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g."
              + " 'example.com', regex used for validation is"
              + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }
    return Optional.empty();
  }

  private static Optional<String> pathSegmentProblem(String name) {
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("may not be '" + name + "'");
    }
    for (String bad : new String[] {"/", "%"}) {
      if (name.contains(bad)) {
        return Optional.of("may not contain '" + bad + "'");
      }
    }
    return Optional.empty();
  }
}
