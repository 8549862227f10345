/**
 * A RayJob's {@code spec.deletionStrategy} (KubeRay v1.5.0 behind its RayJobDeletionPolicy feature
 * gate, v1.7.0 by default): how the operator validates it and what it deletes once the RayJob has
 * ended, by its deletion rules or the legacy onSuccess/onFailure policies. Called by the RayJob
 * controller of {@code emulated.operator} with plain values and uses nothing of that package, so
 * the two form no cycle; the API server only through its client, as there.
 */
@Internal
package io.kuberay.harness.emulated.operator.deletion;

import io.kuberay.harness.Internal;
