package io.kuberay.harness.emulated.api;

import io.kuberay.harness.emulated.support.Maps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API server's own checks on every object's metadata (label and annotation keys and values, the
 * annotations' total size) and on pods (container images, resource quantities), with its field
 * paths and wording.
 */
final class ObjectValidation {

  /** {@code TotalAnnotationSizeLimitB}: keys and values together. */
  static final int ANNOTATIONS_LIMIT = 256 * 1024;

  private static final Pattern NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The form {@code resource.ParseQuantity} accepts (its error names this expression). */
  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");

  private static final Pattern QUANTITY_STRICT =
      Pattern.compile(
          "^[+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$");

  private ObjectValidation() {}

  /** Causes for {@code metadata}'s labels and annotations, empty when valid. */
  static List<String> metadata(Map<String, Object> metadata) {
    List<String> causes = new ArrayList<>();
    Maps.map(metadata.get("labels"))
        .forEach(
            (k, v) -> {
              keyCause("metadata.labels", k).ifPresent(causes::add);
              String value = v == null ? "" : String.valueOf(v);
              if (value.length() > 63) {
                causes.add(
                    "metadata.labels: Invalid value: \""
                        + value
                        + "\": must be no more than 63 characters");
              } else if (!LABEL_VALUE.matcher(value).matches()) {
                causes.add(
                    "metadata.labels: Invalid value: \""
                        + value
                        + "\": a valid label must be an empty string or consist of"
                        + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
                        + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
              }
            });
    long total = 0;
    for (Map.Entry<String, Object> e : Maps.map(metadata.get("annotations")).entrySet()) {
      keyCause("metadata.annotations", e.getKey()).ifPresent(causes::add);
      total +=
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + (e.getValue() == null
                  ? 0
                  : String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8).length);
    }
    if (total > ANNOTATIONS_LIMIT) {
      causes.add(
          "metadata.annotations: Too long: must have at most " + ANNOTATIONS_LIMIT + " bytes");
    }
    return causes;
  }

  /**
   * Causes for a pod's containers (an image is required) and its downward API references (env
   * {@code valueFrom} and downwardAPI volumes and projections), as {@code ValidatePodSpec} words
   * them.
   */
  static List<String> pod(Map<String, Object> pod) {
    List<String> causes = new ArrayList<>();
    Map<String, Object> spec = Maps.map(pod.get("spec"));
    for (String kind : List.of("initContainers", "containers")) {
      List<Object> containers = Maps.list(spec.get(kind));
      for (int i = 0; i < containers.size(); i++) {
        Object image = Maps.map(containers.get(i)).get("image");
        if (image == null || String.valueOf(image).isBlank()) {
          causes.add("spec." + kind + "[" + i + "].image: Required value");
        }
      }
    }
    causes.addAll(DownwardApiPaths.volumes(spec));
    for (String kind : List.of("containers", "initContainers")) {
      List<Object> containers = Maps.list(spec.get(kind));
      for (int i = 0; i < containers.size(); i++) {
        causes.addAll(
            DownwardApiPaths.env(Maps.map(containers.get(i)), "spec." + kind + "[" + i + "]"));
      }
    }
    return causes;
  }

  /**
   * A pod whose resource quantity cannot be parsed cannot be decoded at all: the API server answers
   * 400 before any validation, with the parser's message.
   */
  static Optional<String> undecodableQuantity(Map<String, Object> pod) {
    Map<String, Object> spec = Maps.map(pod.get("spec"));
    for (String kind : List.of("initContainers", "containers")) {
      for (Object c : Maps.list(spec.get(kind))) {
        Map<String, Object> resources = Maps.map(Maps.map(c).get("resources"));
        for (String part : List.of("limits", "requests")) {
          for (Object q : Maps.map(resources.get(part)).values()) {
            String text = String.valueOf(q);
            if (!(q instanceof Number)
                && !(QUANTITY.matcher(text).matches() && QUANTITY_STRICT.matcher(text).matches())) {
              return Optional.of(
                  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A qualified name: an optional DNS subdomain prefix and '/', then a name part of at most 63
   * characters.
   */
  static Optional<String> keyCause(String field, String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches()) {
        return Optional.of(
            field
                + ": Invalid value: \""
                + key
                + "\": prefix part a lowercase RFC 1123 subdomain must consist"
                + " of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      }
    }
    if (name.isEmpty()) {
      return Optional.of(field + ": Invalid value: \"" + key + "\": name part must be non-empty");
    }
    if (name.length() > 63) {
      return Optional.of(
          field + ": Invalid value: \"" + key + "\": name part must be no more than 63 characters");
    }
    if (!NAME_PART.matcher(name).matches()) {
      return Optional.of(
          field
              + ": Invalid value: \""
              + key
              + "\": name part must consist of alphanumeric characters, '-',"
              + " '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
              + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
    return Optional.empty();
  }

  /** Go's {@code %q} of a plain string, as field errors print values. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** {@code field.NotSupported}: {@code <path>: Unsupported value: "v": supported values: ...}. */
  static String notSupported(String path, String value, List<String> valid) {
    return path
        + ": Unsupported value: "
        + quote(value)
        + ": supported values: "
        + String.join(", ", valid.stream().map(ObjectValidation::quote).toList());
  }
}
