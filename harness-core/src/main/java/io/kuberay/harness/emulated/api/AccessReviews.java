package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.api.rbac.RbacAuthorizer;
import io.kuberay.harness.emulated.api.rbac.RequestAttributes;
import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.Maps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kubectl auth can-i}: SelfSubjectAccessReview and SelfSubjectRulesReview, answered for the
 * requester by the RBAC authorizer the requests themselves go through. The kubeconfig's admin
 * ({@code system:masters}) may do everything; a service account what its bindings grant.
 */
final class AccessReviews {

  static final List<String> KINDS = List.of("SelfSubjectAccessReview", "SelfSubjectRulesReview");

  private AccessReviews() {}

  static boolean isReview(ApiPath api) {
    return "authorization.k8s.io".equals(api.group())
        && List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews").contains(api.plural());
  }

  /** The review, created as the API server does: not stored, answered with its status filled in. */
  static MockResponse review(
      ApiPath api, Map<String, Object> review, UserInfo user, RbacAuthorizer authorizer) {
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
      RbacAuthorizer.Decision decision = authorizer.authorize(user, attributes(spec));
      status.put("allowed", decision.allowed());
      if (!decision.reason().isEmpty()) {
        status.put("reason", decision.reason());
      }
    } else {
      RbacAuthorizer.Rules rules = authorizer.rules(user, text(spec.get("namespace")));
      status.put("resourceRules", rules.resourceRules());
      status.put("nonResourceRules", rules.nonResourceRules());
      status.put("incomplete", !rules.evaluationError().isEmpty());
      if (!rules.evaluationError().isEmpty()) {
        status.put("evaluationError", rules.evaluationError());
      }
    }
    answer.put("status", status);
    return ApiErrors.json(201, answer);
  }

  private static RequestAttributes attributes(Map<String, Object> spec) {
    if (spec.get("nonResourceAttributes") != null) {
      Map<String, Object> a = Maps.map(spec.get("nonResourceAttributes"));
      return RequestAttributes.nonResource(text(a.get("verb")), text(a.get("path")));
    }
    Map<String, Object> a = Maps.map(spec.get("resourceAttributes"));
    return RequestAttributes.resource(
        text(a.get("verb")),
        text(a.get("group")),
        text(a.get("namespace")),
        text(a.get("resource")),
        text(a.get("subresource")),
        text(a.get("name")));
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
