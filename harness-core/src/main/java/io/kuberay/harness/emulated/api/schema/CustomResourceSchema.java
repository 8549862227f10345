package io.kuberay.harness.emulated.api.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What apiextensions-apiserver does with a custom resource's body on a write: its CRD's structural
 * schema (defaults, pruning, types, enums, ranges, required), then the CRD's validation rules
 * unless a schema error blocks them.
 */
public final class CustomResourceSchema {

  private CustomResourceSchema() {}

  /**
   * Defaults, prunes and validates {@code body} in place.
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
      List<String> causes = new ArrayList<>(SchemaValidator.apply(schema, body, new ArrayList<>()));
      if (!ValidationRules.any(schema)) {
        return causes;
      }
      Optional<String> blocked = ValidationRules.blocked(causes);
      if (blocked.isPresent()) {
        causes.add(blocked.get());
      } else {
        ValidationRules.Result rules = ValidationRules.check(schema, body, old);
        causes.addAll(rules.causes());
        notChecked.addAll(rules.notChecked());
      }
      return causes;
    } finally {
      if (status != null) {
        body.put("status", status);
      }
    }
  }

  /** A {@code /status} write's defaults; nothing is validated or pruned. */
  public static void defaultStatus(Map<String, Object> schema, Map<String, Object> body) {
    SchemaValidator.defaultStatus(schema, body);
  }
}
