/**
 * The emulated KubeRay operator: RayCluster and RayJob controllers, the pods and services they
 * create, their status and validation, per KubeRay version ({@link
 * io.kuberay.harness.emulated.operator.OperatorFlavor}). Talks to the API server only through its
 * fabric8 client and the in-process surface named in {@code emulated.api}; may use {@code
 * emulated.support}, the Jobs client in {@code ray} and {@code ray.process.RayStartParams}, and
 * nothing of {@code emulated.node} or {@code emulated.streaming}.
 */
@Internal
package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.Internal;
