/**
 * The environment's own machinery behind the root API: which backend to start ({@code Backends}),
 * chart values, group templates, the JVM warm-up, watched objects, a cluster's events and temp
 * directories. Public only for the root package; may use the root API and every backend package.
 */
@Internal
package io.kuberay.harness.internal;

import io.kuberay.harness.Internal;
