package io.kuberay.harness;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints how fast the emulated backend starts and brings RayClusters to ready (no Ray processes), and the
 * heap it needs. Not a test: run it with
 * {@code mvn -q -pl harness-core test-compile exec:java -Dexec.mainClass=io.kuberay.harness.EmulatedBenchmark -Dexec.classpathScope=test}.
 */
public final class EmulatedBenchmark {

  private EmulatedBenchmark() {}

  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.nanoTime();
    KubeRayEnvironment first = builder().startExactly();
    long cold = ms(t0);
    System.out.printf("environment ready, cold (first in JVM): %d ms (JVM uptime at ready: %d ms)%n", cold, System.currentTimeMillis() - jvmStart);
    first.close();

    List<Long> warm = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      builder().startExactly().close();
      warm.add(ms(t));
    }
    System.out.printf("environment ready, warm: median %d ms of %s%n", median(warm), warm);

    try (KubeRayEnvironment env = builder().startExactly()) {
      for (int n : new int[] {1, 10, 50}) {
        String ns = env.createNamespace("bench-" + n);
        long t = System.nanoTime();
        List<RayClusterHandle> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          clusters.add(env.rayClusters().inNamespace(ns).create(
              RayClusterSpec.named("c" + i).withHead(h -> h.withCpu("10m").withMemory("10Mi"))
                  .withWorkerGroup(WorkerGroupSpec.named("w").withReplicas(1).withCpu("10m").withMemory("10Mi"))));
        }
        for (RayClusterHandle c : clusters) {
          c.awaitReady(Duration.ofSeconds(60));
        }
        System.out.printf("%d RayCluster(s) (head + 1 worker each) created -> all ready: %d ms%n", n, ms(t));
      }
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("heap used after GC with 61 clusters (122 pods): %d MB%n", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    }
  }

  private static KubeRayEnvironment.Builder builder() {
    return KubeRayEnvironment.builder().kuberayVersion("v1.1.0").rayMode(RayMode.OFF).nodeCapacity("64", "256Gi");
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(Long::compare);
    return sorted.get(sorted.size() / 2);
  }
}
