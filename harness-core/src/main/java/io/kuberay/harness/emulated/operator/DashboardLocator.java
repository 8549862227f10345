package io.kuberay.harness.emulated.operator;

import java.net.URI;
import java.util.Optional;

/**
 * Where the emulator reaches a RayCluster's dashboard: what the head service's DNS name resolves to
 * in a real cluster.
 */
public interface DashboardLocator {

  Optional<URI> dashboard(String namespace, String cluster);
}
