/**
 * Small helpers every emulated layer shares: JSON maps, quantities, labels, keys, the reconcile loop.
 * Depends on no other harness package.
 */
@Internal
package io.kuberay.harness.emulated.support;

import io.kuberay.harness.Internal;
