/**
 * The emulated API server: request dispatch, admission, discovery, schema validation, server-side
 * tables, the HTTP endpoint and the in-process client. The operator and the node see it only
 * through {@link io.kuberay.harness.emulated.api.EmulatedApiServer}, {@link
 * io.kuberay.harness.emulated.api.EventRecorder} and {@link
 * io.kuberay.harness.emulated.api.ResourceDefinitions}. May use {@code emulated.store} and {@code
 * emulated.support}.
 */
@Internal
package io.kuberay.harness.emulated.api;

import io.kuberay.harness.Internal;
