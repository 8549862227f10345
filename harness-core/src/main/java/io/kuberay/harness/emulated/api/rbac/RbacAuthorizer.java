package io.kuberay.harness.emulated.api.rbac;

import io.fabric8.mockwebserver.http.MockResponse;
import io.kuberay.harness.emulated.store.ObjectStore;
import io.kuberay.harness.emulated.store.ResourceRef;
import io.kuberay.harness.emulated.store.StoredObject;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-apiserver's RBAC authorizer over the emulated store: a request is allowed when a rule of a
 * role bound to its user allows it, looking at every ClusterRoleBinding, then the RoleBindings of
 * the request's namespace. A binding whose role does not exist contributes nothing but its error,
 * which a refusal then names ({@code RBAC: role.rbac.authorization.k8s.io "x" not found}). Users in
 * {@code system:masters} (the kubeconfig's admin, the in-process identity) are allowed at once.
 */
public final class RbacAuthorizer {

  static final String GROUP = "rbac.authorization.k8s.io";
  static final ResourceRef ROLES = new ResourceRef(GROUP, "v1", "roles");
  static final ResourceRef ROLE_BINDINGS = new ResourceRef(GROUP, "v1", "rolebindings");
  static final ResourceRef CLUSTER_ROLES = new ResourceRef(GROUP, "v1", "clusterroles");
  static final ResourceRef CLUSTER_ROLE_BINDINGS =
      new ResourceRef(GROUP, "v1", "clusterrolebindings");

  private final ObjectStore store;

  public RbacAuthorizer(ObjectStore store) {
    this.store = store;
  }

  /** The outcome: allowed or not, and why (which binding allowed it; errors met on the way). */
  public record Decision(boolean allowed, String reason) {}

  /**
   * The 403 this request gets when {@code user} may not make it; empty when it may. Privileged
   * users cost one check.
   */
  public Optional<MockResponse> refusal(UserInfo user, String method, String uri) {
    if (user.privileged()) {
      return Optional.empty();
    }
    RequestAttributes request = RequestAttributes.of(method, uri);
    Decision decision = authorize(user, request);
    return decision.allowed()
        ? Optional.empty()
        : Optional.of(Forbidden.response(user, request, decision.reason()));
  }

  public Decision authorize(UserInfo user, RequestAttributes request) {
    if (user.privileged()) {
      return new Decision(true, "");
    }
    Set<String> errors = new LinkedHashSet<>();
    for (Grant grant : grants(user, request.namespace())) {
      if (grant.error() != null) {
        errors.add(grant.error());
        continue;
      }
      for (PolicyRule rule : grant.rules()) {
        if (rule.allows(request)) {
          return new Decision(true, "RBAC: allowed by " + grant.source());
        }
      }
    }
    return new Decision(false, errors.isEmpty() ? "" : "RBAC: " + aggregate(errors));
  }

  /**
   * What {@code user} may do in {@code namespace} (cluster-wide rules included), for a
   * SelfSubjectRulesReview; errors are the bindings whose roles are missing.
   */
  public Rules rules(UserInfo user, String namespace) {
    List<PolicyRule> rules = new ArrayList<>();
    Set<String> errors = new LinkedHashSet<>();
    for (Grant grant : grants(user, namespace)) {
      if (grant.error() != null) {
        errors.add(grant.error());
      } else {
        rules.addAll(grant.rules());
      }
    }
    return new Rules(rules, errors.isEmpty() ? "" : aggregate(errors));
  }

  /** A user's rules: resource rules, non-resource rules, and an evaluation error if any. */
  public record Rules(List<PolicyRule> all, String evaluationError) {

    public List<Map<String, Object>> resourceRules() {
      return all.stream().filter(r -> !r.resources().isEmpty()).map(PolicyRule::toMap).toList();
    }

    public List<Map<String, Object>> nonResourceRules() {
      return all.stream()
          .filter(r -> !r.nonResourceURLs().isEmpty())
          .map(
              r ->
                  Map.<String, Object>of(
                      "verbs", r.verbs(), "nonResourceURLs", r.nonResourceURLs()))
          .toList();
    }
  }

  /** The rules one binding gives the user, or why it gives none; {@code source} names it. */
  private record Grant(String source, List<PolicyRule> rules, String error) {}

  private List<Grant> grants(UserInfo user, String namespace) {
    List<Grant> grants = new ArrayList<>();
    for (StoredObject o : store.list(CLUSTER_ROLE_BINDINGS, null, x -> true).items()) {
      Map<String, Object> binding = o.object();
      Optional<Map<String, Object>> subject = subject(user, binding, "");
      if (subject.isEmpty()) {
        continue;
      }
      grants.add(
          grant(
              binding, "ClusterRoleBinding " + quote(o.name()), describe(subject.get(), ""), null));
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (StoredObject o : store.list(ROLE_BINDINGS, namespace, x -> true).items()) {
        Map<String, Object> binding = o.object();
        Optional<Map<String, Object>> subject = subject(user, binding, namespace);
        if (subject.isEmpty()) {
          continue;
        }
        grants.add(
            grant(
                binding,
                "RoleBinding " + quote(o.name() + "/" + namespace),
                describe(subject.get(), namespace),
                namespace));
      }
    }
    return grants;
  }

  private Grant grant(
      Map<String, Object> binding, String bindingName, String subject, String namespace) {
    Map<String, Object> ref = Maps.map(binding.get("roleRef"));
    String kind = String.valueOf(ref.get("kind"));
    String name = String.valueOf(ref.get("name"));
    String source = bindingName + " of " + kind + " " + quote(name) + " to " + subject;
    Optional<StoredObject> role;
    if ("ClusterRole".equals(kind)) {
      role = store.get(CLUSTER_ROLES, null, name);
      if (role.isEmpty()) {
        return new Grant(
            source, List.of(), "clusterrole." + GROUP + " " + quote(name) + " not found");
      }
    } else if ("Role".equals(kind) && namespace != null) {
      role = store.get(ROLES, namespace, name);
      if (role.isEmpty()) {
        return new Grant(source, List.of(), "role." + GROUP + " " + quote(name) + " not found");
      }
    } else {
      return new Grant(source, List.of(), "unsupported role reference kind: " + quote(kind));
    }
    List<PolicyRule> rules =
        Maps.list(role.get().object().get("rules")).stream()
            .map(r -> PolicyRule.of(Maps.map(r)))
            .toList();
    return new Grant(source, rules, null);
  }

  /**
   * The binding's first subject that names {@code user}: by user name, group or service account.
   */
  private static Optional<Map<String, Object>> subject(
      UserInfo user, Map<String, Object> binding, String bindingNamespace) {
    for (Object s : Maps.list(binding.get("subjects"))) {
      Map<String, Object> subject = Maps.map(s);
      String kind = String.valueOf(subject.get("kind"));
      String name = String.valueOf(subject.get("name"));
      boolean applies =
          switch (kind) {
            case "User" -> user.name().equals(name);
            case "Group" -> user.groups().contains(name);
            case "ServiceAccount" -> {
              String ns =
                  subject.get("namespace") instanceof String n && !n.isEmpty()
                      ? n
                      : bindingNamespace;
              yield !ns.isEmpty()
                  && user.name().equals(UserInfo.SERVICE_ACCOUNT_PREFIX + ns + ":" + name);
            }
            default -> false;
          };
      if (applies) {
        return Optional.of(subject);
      }
    }
    return Optional.empty();
  }

  private static String describe(Map<String, Object> subject, String bindingNamespace) {
    String kind = String.valueOf(subject.get("kind"));
    String name = String.valueOf(subject.get("name"));
    if ("ServiceAccount".equals(kind)) {
      String ns =
          subject.get("namespace") instanceof String n && !n.isEmpty() ? n : bindingNamespace;
      return kind + " " + quote(name + "/" + ns);
    }
    return kind + " " + quote(name);
  }

  /** Kubernetes' error aggregate: one message alone, several in brackets. */
  private static String aggregate(Set<String> errors) {
    return errors.size() == 1 ? errors.iterator().next() : "[" + String.join(", ", errors) + "]";
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
