package io.kuberay.harness.junit;

import io.kuberay.harness.RayClusterChart;
import io.kuberay.harness.RayClusterSpec;
import java.time.Duration;

/**
 * A validated {@link RayCluster}: the spec to create, whether it takes the environment's Ray image
 * (a chart release that names none), and how long it may take to become ready.
 */
record ClusterDeclaration(RayClusterSpec spec, boolean environmentImage, Duration readyTimeout) {

  /** The spec for an environment whose pods run {@code rayImage}. */
  RayClusterSpec specFor(String rayImage) {
    return environmentImage ? spec.withChartValues(RayClusterChart.imageValues(rayImage)) : spec;
  }

  String name() {
    return spec.name();
  }
}
