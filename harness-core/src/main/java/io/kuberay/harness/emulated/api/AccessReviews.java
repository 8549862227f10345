package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kubectl auth can-i}: SelfSubjectAccessReview and SelfSubjectRulesReview, answered for the
 * one user the emulated API server has, the kubeconfig's token, which may do everything (RBAC
 * objects are stored, not enforced).
 */
final class AccessReviews {

  static final List<String> KINDS = List.of("SelfSubjectAccessReview", "SelfSubjectRulesReview");

  private AccessReviews() {}

  static boolean isReview(ApiPath api) {
    return "authorization.k8s.io".equals(api.group())
        && List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews").contains(api.plural());
  }

  /** The review, created as the API server does: not stored, answered with its status filled in. */
  static MockResponse review(ApiPath api, Map<String, Object> review) {
    Map<String, Object> spec = Maps.map(review.get("spec"));
    if ("selfsubjectaccessreviews".equals(api.plural())
        && (spec.get("resourceAttributes") == null)
            == (spec.get("nonResourceAttributes") == null)) {
      return ApiErrors.invalid(
          "SelfSubjectAccessReview",
          api.group(),
          "",
          List.of(
              "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"));
    }
    Map<String, Object> answer = new LinkedHashMap<>(review);
    answer.put("metadata", Maps.map(review.get("metadata")));
    Map<String, Object> status = new LinkedHashMap<>();
    if ("selfsubjectaccessreviews".equals(api.plural())) {
      status.put("allowed", true);
      status.put("reason", "the emulated API server's user may do everything");
    } else {
      status.put(
          "resourceRules",
          List.of(
              Map.of("verbs", List.of("*"), "apiGroups", List.of("*"), "resources", List.of("*"))));
      status.put(
          "nonResourceRules",
          List.of(Map.of("verbs", List.of("*"), "nonResourceURLs", List.of("*"))));
      status.put("incomplete", false);
    }
    answer.put("status", status);
    return ApiErrors.json(201, answer);
  }
}
