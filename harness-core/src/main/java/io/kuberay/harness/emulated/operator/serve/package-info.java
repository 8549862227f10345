/**
 * What KubeRay's {@code BuildServeService} (common/service.go) shares between a RayCluster's own
 * {@code <cluster>-serve-svc} and a RayService's serve service: the head ports that serve, the
 * labels, the error without one. Plain values in (head ports, names, the release's rule), so that
 * both {@code emulated.operator} and {@code emulated.operator.rayservice} use it without a cycle.
 */
@Internal
package io.kuberay.harness.emulated.operator.serve;

import io.kuberay.harness.Internal;
