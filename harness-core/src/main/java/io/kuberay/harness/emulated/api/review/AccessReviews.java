package io.kuberay.harness.emulated.api.review;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.api.rbac.RbacAuthorizer;
import io.kuberay.harness.emulated.api.rbac.RequestAttributes;
import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The authorization.k8s.io reviews, answered by the RBAC authorizer the requests themselves go
 * through, never stored: {@code kubectl auth can-i}'s SelfSubjectAccessReview and
 * SelfSubjectRulesReview for the requester (the kubeconfig's admin, {@code system:masters}, may do
 * everything; a service account what its bindings grant), and SubjectAccessReview and
 * LocalSubjectAccessReview for the user and groups a delegating server names, as Ray 2.55+ asks
 * with KubeRay's {@code enableK8sTokenAuth} ({@code ray:write} on its RayCluster).
 */
public final class AccessReviews {

  public static final String GROUP = "authorization.k8s.io";

  public static final List<String> KINDS =
      List.of(
          "SelfSubjectAccessReview",
          "SelfSubjectRulesReview",
          "SubjectAccessReview",
          "LocalSubjectAccessReview");

  private static final List<String> PLURALS =
      KINDS.stream().map(k -> k.toLowerCase(Locale.ROOT) + "s").toList();

  private AccessReviews() {}

  public static boolean isReview(String group, String plural) {
    return GROUP.equals(group) && PLURALS.contains(plural);
  }

  /** The review, created as the API server does: not stored, answered with its status filled in. */
  public static MockResponse review(
      String plural,
      String namespace,
      Map<String, Object> review,
      UserInfo user,
      RbacAuthorizer authorizer) {
    Map<String, Object> spec = Maps.map(review.get("spec"));
    String kind = KINDS.get(PLURALS.indexOf(plural));
    boolean rules = "selfsubjectrulesreviews".equals(plural);
    boolean self = plural.startsWith("self");
    boolean local = "localsubjectaccessreviews".equals(plural);
    List<String> problems = new ArrayList<>();
    if (!rules
        && (spec.get("resourceAttributes") == null)
            == (spec.get("nonResourceAttributes") == null)) {
      problems.add(
          spec.get("resourceAttributes") == null
              ? "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"
              : "spec.nonResourceAttributes: Invalid value: \"object\": cannot be specified in combination with resourceAttributes");
    }
    if (!self && text(spec.get("user")).isEmpty() && Maps.list(spec.get("groups")).isEmpty()) {
      problems.add(
          "spec.user: Invalid value: \"\": at least one of user or group must be specified");
    }
    String asked = text(Maps.map(spec.get("resourceAttributes")).get("namespace"));
    if (local && spec.get("resourceAttributes") != null && !asked.equals(text(namespace))) {
      // metadata.namespace is the request's (the API server fills it in from the path).
      problems.add(
          "spec.resourceAttributes.namespace: Invalid value: \""
              + asked
              + "\": must match metadata.namespace");
    }
    if (local && spec.get("nonResourceAttributes") != null) {
      problems.add(
          "spec.nonResourceAttributes: Invalid value: \"object\": disallowed on this kind of request");
    }
    if (!problems.isEmpty()) {
      return ApiErrors.invalid(kind, GROUP, "", problems);
    }
    UserInfo subject =
        self
            ? user
            : new UserInfo(
                text(spec.get("user")),
                Maps.list(spec.get("groups")).stream().map(String::valueOf).toList());
    Map<String, Object> answer = new LinkedHashMap<>(review);
    answer.put("metadata", Maps.map(review.get("metadata")));
    Map<String, Object> status = new LinkedHashMap<>();
    if (!rules) {
      RbacAuthorizer.Decision decision = authorizer.authorize(subject, attributes(spec));
      status.put("allowed", decision.allowed());
      if (!decision.reason().isEmpty()) {
        status.put("reason", decision.reason());
      }
    } else {
      RbacAuthorizer.Rules found = authorizer.rules(user, text(spec.get("namespace")));
      status.put("resourceRules", found.resourceRules());
      status.put("nonResourceRules", found.nonResourceRules());
      status.put("incomplete", !found.evaluationError().isEmpty());
      if (!found.evaluationError().isEmpty()) {
        status.put("evaluationError", found.evaluationError());
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
