package io.kuberay.harness.emulated.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Name rules per kind: RBAC objects are path segments, so the built-in roles' names are valid. */
class ObjectNamesTest {

  private static final String RBAC = "rbac.authorization.k8s.io";

  @Test
  void rbacObjectsNeedOnlyBePathSegments() {
    assertThat(ObjectNames.check("clusterroles", RBAC, "system:discovery")).isEmpty();
    assertThat(ObjectNames.check("rolebindings", RBAC, "Robot_Reads")).isEmpty();
    assertThat(ObjectNames.check("roles", RBAC, "a/b"))
        .contains("metadata.name: Invalid value: \"a/b\": may not contain '/'");
    assertThat(ObjectNames.check("roles", RBAC, "50%"))
        .contains("metadata.name: Invalid value: \"50%\": may not contain '%'");
    assertThat(ObjectNames.check("clusterroles", RBAC, ".."))
        .contains("metadata.name: Invalid value: \"..\": may not be '..'");
  }

  @Test
  void otherObjectsStayRfc1123Subdomains() {
    assertThat(ObjectNames.check("configmaps", "", "system:discovery"))
        .hasValueSatisfying(m -> assertThat(m).contains("a lowercase RFC 1123 subdomain"));
  }
}
