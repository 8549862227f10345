/**
 * What a backend provides ({@link io.kuberay.harness.backend.ClusterBackend}) and what the harness
 * does with a running pod ({@link io.kuberay.harness.backend.PodChannels}): the contract the
 * emulated, k3s and existing backends implement. Uses only the root API.
 */
package io.kuberay.harness.backend;
