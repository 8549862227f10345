/**
 * Small helpers every emulated layer shares: JSON maps, quantities, labels, keys, the reconcile
 * loop. Uses nothing of the harness but the root package.
 */
@Internal
package io.kuberay.harness.emulated.support;

import io.kuberay.harness.Internal;
