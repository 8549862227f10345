/**
 * Cascading deletion as kube-apiserver and kube-controller-manager's garbage collector make it: the
 * DeleteOptions' propagation policy and each resource's default ({@link DeleteOptions}), the {@code
 * orphan} and {@code foregroundDeletion} finalizers they put on a deleted owner, and the collector
 * that deletes or orphans dependents by their ownerReferences ({@link GarbageCollector}). May use
 * {@code emulated.store} and {@code emulated.support}.
 */
@Internal
package io.kuberay.harness.emulated.api.gc;

import io.kuberay.harness.Internal;
