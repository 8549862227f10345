/**
 * The API server's storage: objects with resourceVersions, label selectors, patches, watches and
 * their history, and the in-process watch contract ({@link
 * io.kuberay.harness.emulated.store.ObjectEvents}) controllers and the node subscribe through. May
 * use {@code emulated.support} only.
 */
@Internal
package io.kuberay.harness.emulated.store;

import io.kuberay.harness.Internal;
