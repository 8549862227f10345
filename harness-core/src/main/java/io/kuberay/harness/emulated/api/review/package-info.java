/**
 * The API's reviews, answered and never stored: authorization.k8s.io's access reviews (by the RBAC
 * authorizer) and authentication.k8s.io's TokenReview and SelfSubjectReview (by the service-account
 * tokens the server issued). May use {@code emulated.api.rbac}, {@code emulated.store} and {@code
 * emulated.support}.
 */
@Internal
package io.kuberay.harness.emulated.api.review;

import io.kuberay.harness.Internal;
