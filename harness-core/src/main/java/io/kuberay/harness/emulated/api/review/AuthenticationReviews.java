package io.kuberay.harness.emulated.api.review;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.emulated.support.ServiceAccountTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authentication.k8s.io reviews, never stored. TokenReview: a workload asks who a bearer token
 * belongs to, as Ray 2.55+ does for every request when KubeRay's {@code
 * authOptions.enableK8sTokenAuth} is on. Service-account tokens (the ones the node mounts and
 * TokenRequest hands out) authenticate as their account while it exists; anything else is answered
 * unauthenticated, as kube-apiserver answers a token none of its authenticators knows.
 * SelfSubjectReview ({@code kubectl auth whoami}): the requester itself.
 */
public final class AuthenticationReviews {

  public static final String GROUP = "authentication.k8s.io";

  public static final List<String> KINDS = List.of("TokenReview", "SelfSubjectReview");

  private AuthenticationReviews() {}

  public static boolean isReview(String group, String plural) {
    return GROUP.equals(group) && List.of("tokenreviews", "selfsubjectreviews").contains(plural);
  }

  /** {@code kubectl auth whoami}: the requester's user name and groups. */
  public static MockResponse whoAmI(Map<String, Object> review, UserInfo user) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("kind", "SelfSubjectReview");
    answer.put("apiVersion", "authentication.k8s.io/v1");
    answer.put("metadata", Maps.map(review.get("metadata")));
    answer.put(
        "status", Map.of("userInfo", Map.of("username", user.name(), "groups", user.groups())));
    return ApiErrors.json(201, answer);
  }

  /** A TokenReview with its status, by the tokens this server issued. */
  public static MockResponse tokenReview(Map<String, Object> review, ServiceAccountTokens tokens) {
    Map<String, Object> spec = Maps.map(review.get("spec"));
    String token = spec.get("token") == null ? "" : String.valueOf(spec.get("token"));
    if (token.isEmpty()) {
      return ApiErrors.status(
          400, "BadRequest", "token is required for TokenReview in authentication");
    }
    Map<String, Object> status = new LinkedHashMap<>();
    Map<String, Object> user = new LinkedHashMap<>();
    Optional<ServiceAccountTokens.Account> account = tokens.authenticate("Bearer " + token);
    if (account.isPresent()) {
      UserInfo info = UserInfo.serviceAccount(account.get().namespace(), account.get().name());
      status.put("authenticated", true);
      user.put("username", info.name());
      user.put("uid", account.get().uid());
      user.put("groups", info.groups());
      status.put("user", user);
      // Audiences are not enforced here (docs/PARITY.md): the ones asked for, else the API's.
      List<Object> wanted = Maps.list(spec.get("audiences"));
      status.put("audiences", wanted.isEmpty() ? ServiceAccountTokens.AUDIENCES : wanted);
    }
    status.putIfAbsent("user", user);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("kind", "TokenReview");
    answer.put("apiVersion", "authentication.k8s.io/v1");
    answer.put("metadata", Maps.map(review.get("metadata")));
    answer.put("spec", spec);
    answer.put("status", status);
    return ApiErrors.json(201, answer);
  }
}
