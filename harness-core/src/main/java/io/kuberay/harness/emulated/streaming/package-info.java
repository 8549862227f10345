/**
 * What kubectl reaches beyond plain REST: exec, logs, port-forward and watches over
 * HTTP/WebSocket/SPDY, in front of the API server's HTTP endpoint. Reaches pods only through {@link
 * io.kuberay.harness.emulated.streaming.PodStreams}; may use {@code emulated.store} and {@code
 * emulated.support}.
 */
@Internal
package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.Internal;
