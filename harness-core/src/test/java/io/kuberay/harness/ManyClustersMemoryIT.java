package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * 100 RayClusters created, ready and deleted: what the JVM keeps afterwards is bounded and does not
 * grow per round.
 */
class ManyClustersMemoryIT {

  private static final int CLUSTERS = 100;

  @Test
  @DisplayName(
      "100 clusters created and deleted, twice: the heap kept is bounded (the watch history) and does not grow")
  void heapReturnsToBaseline() throws Exception {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.OFF)
            .nodeCapacity("1000", "4000Gi")
            .startExactly()) {
      RayClusterSpec spec = RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0);
      // One round first: classes loaded and caches built once are baseline, not growth.
      deleteAll(env, round(env, spec, 2, "warm"));
      long baseline = usedAfterGc();
      long rssBaseline = rss();
      List<RayClusterHandle> clusters = round(env, spec, CLUSTERS, "a");
      long with = usedAfterGc();
      long rssWith = rss();
      deleteAll(env, clusters);
      long after = usedAfterGc();
      long rssAfter = rss();
      deleteAll(env, round(env, spec, CLUSTERS, "b"));
      long afterSecond = usedAfterGc();
      System.out.printf(
          "[memory] heap used after GC: before %d MB, with %d clusters %d MB, after deleting them %d MB,"
              + " after another %d %d MB; RSS %d -> %d -> %d MB%n",
          mb(baseline),
          CLUSTERS,
          mb(with),
          mb(after),
          CLUSTERS,
          mb(afterSecond),
          mb(rssBaseline),
          mb(rssWith),
          mb(rssAfter));
      assertThat(with)
          .as("the clusters themselves take memory while they exist")
          .isGreaterThan(baseline);
      // What stays is the store's watch history (at most 1000 changes per resource, as a watch
      // cache keeps): bounded.
      assertThat(after - baseline)
          .as(
              "heap kept after the clusters are gone (before %d MB, after %d MB)",
              mb(baseline), mb(after))
          .isLessThan(24L << 20);
      assertThat(afterSecond - after)
          .as(
              "heap growth from a second round of %d clusters (after the first %d MB, after the"
                  + " second %d MB)",
              CLUSTERS, mb(after), mb(afterSecond))
          .isLessThan(4L << 20);
    }
  }

  private static void deleteAll(KubeRayEnvironment env, List<RayClusterHandle> clusters) {
    clusters.forEach(
        c ->
            env.client()
                .genericKubernetesResources("ray.io/v1", "RayCluster")
                .inNamespace("default")
                .withName(c.name())
                .delete());
    Waits.until(
        "pods of " + clusters.size() + " deleted RayClusters",
        "all gone",
        Duration.ofMinutes(2),
        () -> env.client().pods().inNamespace("default").list().getItems().size(),
        n -> n == 0,
        String::valueOf,
        null);
  }

  private static List<RayClusterHandle> round(
      KubeRayEnvironment env, RayClusterSpec spec, int n, String prefix) {
    List<RayClusterHandle> clusters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clusters.add(env.rayClusters().create(spec.withName(prefix + i)));
    }
    clusters.forEach(c -> c.awaitReady(Duration.ofMinutes(2)));
    return clusters;
  }

  /**
   * Heap used once collections stop freeing more: reference processing can take a collection or two
   * to settle.
   */
  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong last = new AtomicLong(Long.MAX_VALUE);
    await("heap used after GC settles")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              System.gc();
              long used = memory.getHeapMemoryUsage().getUsed();
              return used >= last.getAndSet(used);
            });
    return last.get();
  }

  private static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  private static long mb(long bytes) {
    return bytes >> 20;
  }
}
