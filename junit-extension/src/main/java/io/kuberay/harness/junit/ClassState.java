package io.kuberay.harness.junit;

import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayClusterHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link KubeRayTest} class holds: its environment, namespace and clusters. Closing
 * deletes the clusters, then the namespace (if the class owns it), then releases the environment:
 * closes the class's own, or gives back its lease on a shared one.
 */
final class ClassState implements AutoCloseable {

  private final KubeRayEnvironment environment;
  private final Runnable release;
  private final String namespace;
  private final boolean ownsNamespace;
  private final Map<String, RayClusterHandle> clusters =
      Collections.synchronizedMap(new LinkedHashMap<>());

  ClassState(
      KubeRayEnvironment environment, Runnable release, String namespace, boolean ownsNamespace) {
    this.environment = environment;
    this.release = release;
    this.namespace = namespace;
    this.ownsNamespace = ownsNamespace;
  }

  KubeRayEnvironment environment() {
    return environment;
  }

  String namespace() {
    return namespace;
  }

  void add(RayClusterHandle cluster) {
    clusters.put(cluster.name(), cluster);
  }

  /** The clusters by name, in declaration order. */
  Map<String, RayClusterHandle> clusters() {
    synchronized (clusters) {
      return Map.copyOf(clusters);
    }
  }

  List<String> clusterNames() {
    synchronized (clusters) {
      return List.copyOf(clusters.keySet());
    }
  }

  @Override
  public void close() {
    List<Runnable> steps = new ArrayList<>();
    if (!environment.isClosed()) {
      clusterNames().forEach(name -> steps.add(() -> clusters.get(name).delete()));
      if (ownsNamespace) {
        steps.add(() -> environment.deleteNamespace(namespace));
      }
    }
    steps.add(release);
    RuntimeException failure = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
