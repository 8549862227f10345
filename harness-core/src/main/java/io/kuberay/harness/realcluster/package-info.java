/**
 * What the k3s and existing-cluster backends share: a real API server reached with fabric8, exec,
 * logs and port-forwards through it, and client configuration. Used by {@code k3s} and {@code
 * existing}; uses neither.
 */
@Internal
package io.kuberay.harness.realcluster;

import io.kuberay.harness.Internal;
