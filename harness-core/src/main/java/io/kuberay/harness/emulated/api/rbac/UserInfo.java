package io.kuberay.harness.emulated.api.rbac;

import java.util.List;

/**
 * Who a request comes from, as kube-apiserver's authenticators name it: a user name and its groups.
 */
public record UserInfo(String name, List<String> groups) {

  /** The group kube-apiserver lets do everything without asking RBAC. */
  public static final String MASTERS = "system:masters";

  static final String AUTHENTICATED = "system:authenticated";
  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /**
   * The kubeconfig's identity, as kind's and k3s's admin credentials are: in {@code
   * system:masters}.
   */
  public static final UserInfo ADMIN =
      new UserInfo("kuberay-harness-admin", List.of(MASTERS, AUTHENTICATED));

  /**
   * The emulated operator, node and the environment's own client, which call the API in-process: a
   * privileged identity (docs/PARITY.md), authorized without any look-up.
   */
  public static final UserInfo IN_PROCESS =
      new UserInfo("system:kuberay-harness:in-process", List.of(MASTERS, AUTHENTICATED));

  public UserInfo {
    groups = List.copyOf(groups);
  }

  /** A service account's token holder: {@code system:serviceaccount:<namespace>:<name>}. */
  public static UserInfo serviceAccount(String namespace, String name) {
    return new UserInfo(
        SERVICE_ACCOUNT_PREFIX + namespace + ":" + name,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, AUTHENTICATED));
  }

  /** Whether RBAC is skipped for this user, as kube-apiserver skips it for system:masters. */
  public boolean privileged() {
    return groups.contains(MASTERS);
  }
}
