/**
 * Authorization as kube-apiserver's RBAC authorizer does it: who a request comes from ({@link
 * io.kuberay.harness.emulated.api.rbac.UserInfo}), what it asks for ({@link
 * io.kuberay.harness.emulated.api.rbac.RequestAttributes}), whether the Roles and ClusterRoles
 * bound to that user allow it ({@link io.kuberay.harness.emulated.api.rbac.RbacAuthorizer}), the
 * built-in roles a cluster starts with, and the 403 a refusal gets. May use {@code emulated.store}
 * and {@code emulated.support}.
 */
@Internal
package io.kuberay.harness.emulated.api.rbac;

import io.kuberay.harness.Internal;
