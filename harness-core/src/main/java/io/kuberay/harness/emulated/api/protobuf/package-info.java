/**
 * Kubernetes' protobuf encoding of built-in types, as Go clients (kubectl's create subcommands,
 * Helm's release storage) send request bodies: the {@code k8s\0} envelope and the wire format,
 * decoded into the same JSON object the JSON path makes. Uses only {@code emulated.store} (its
 * errors); the API server in {@code emulated.api} calls it.
 */
@Internal
package io.kuberay.harness.emulated.api.protobuf;

import io.kuberay.harness.Internal;
