/**
 * What a RayJob's submitter containers do, for the emulated operator that does it in-process: the
 * lines Ray's job CLI prints around a job's log, and the command line of KubeRay's light-weight
 * submitter ({@code kuberay/submitter}). Plain values only: no client, nothing of the rest of
 * {@code emulated.operator}.
 */
@Internal
package io.kuberay.harness.emulated.operator.submitter;

import io.kuberay.harness.Internal;
