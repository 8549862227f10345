package io.kuberay.harness.junit;

import io.kuberay.harness.RayClusterSpec;
import java.time.Duration;

/** A validated {@link RayCluster}: the spec to create and how long it may take to become ready. */
record ClusterDeclaration(RayClusterSpec spec, Duration readyTimeout) {

  String name() {
    return spec.name();
  }
}
