package io.kuberay.harness.emulated.api.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What apiextensions-apiserver does with a custom resource's body on a write: its CRD's structural
 * schema (defaults, pruning, types, enums, ranges, required), then the CRD's validation rules
 * unless a schema error blocks them. On an update both ratchet: an error on a value the update left
 * as it was is not reported.
 */
public final class CustomResourceSchema {

  private CustomResourceSchema() {}

  /**
   * Defaults, prunes and validates a write of the main resource in place.
   *
   * @param old the stored object on an update or patch, null on a create
   * @param statusSubresource whether the CRD has a status subresource: then a write of the main
   *     resource does not change the status (the API server keeps the stored one, or none on a
   *     create), so the status is not judged here, as ratcheting leaves an unchanged value alone
   * @param notChecked receives the rules that were not checked, for the response's warnings
   * @return the causes in the API server's wording, empty when the body is valid
   */
  public static List<String> admit(
      Map<String, Object> schema,
      Map<String, Object> body,
      Map<String, Object> old,
      boolean statusSubresource,
      List<String> notChecked) {
    Object status = statusSubresource ? body.remove("status") : null;
    try {
      List<String> causes = SchemaValidator.apply(schema, body, old);
      return withRules(schema, body, old, causes, notChecked);
    } finally {
      if (status != null) {
        body.put("status", status);
      }
    }
  }

  /**
   * Defaults, prunes and validates a {@code /status} write in place, as the status strategy does:
   * {@code object} is the stored object carrying the request's status (everything else the request
   * sent is ignored), its status is judged against the CRD's status schema, and the CRD's rules
   * against the whole object; both ratchet against {@code old}.
   *
   * @return the causes in the API server's wording, empty when the status is valid
   */
  public static List<String> admitStatus(
      Map<String, Object> schema,
      Map<String, Object> object,
      Map<String, Object> old,
      List<String> notChecked) {
    List<String> causes = SchemaValidator.applyStatus(schema, object, old);
    return withRules(schema, object, old, causes, notChecked);
  }

  /** The schema's causes and then the rules', unless a schema error blocks the rules. */
  private static List<String> withRules(
      Map<String, Object> schema,
      Map<String, Object> object,
      Map<String, Object> old,
      List<String> schemaCauses,
      List<String> notChecked) {
    List<String> causes = new ArrayList<>(schemaCauses);
    if (!ValidationRules.any(schema)) {
      return causes;
    }
    Optional<String> blocked = ValidationRules.blocked(causes);
    if (blocked.isPresent()) {
      causes.add(blocked.get());
    } else {
      ValidationRules.Result rules = ValidationRules.check(schema, object, old);
      causes.addAll(rules.causes());
      notChecked.addAll(rules.notChecked());
    }
    return causes;
  }
}
