package io.kuberay.harness;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints how fast the emulated backend starts and brings RayClusters to ready (no Ray processes),
 * and the heap it needs. Each figure comes with the process's CPU time over it and the machine's
 * load average: on a shared machine the wall clock alone says little. Not a test: run it with
 * {@code java -cp $CP io.kuberay.harness.EmulatedBenchmark} (docs/PERFORMANCE.md).
 */
public final class EmulatedBenchmark {

  private EmulatedBenchmark() {}

  public static void main(String[] args) {
    System.out.printf("load average at start: %s%n", loadAverage());
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.nanoTime();
    long c0 = cpuMillis();
    KubeRayEnvironment first = builder().startExactly();
    long cold = ms(t0);
    System.out.printf(
        "environment ready, cold (first in JVM): %d ms, cpu %d ms (JVM uptime at ready: %d ms)%n",
        cold, cpuMillis() - c0, System.currentTimeMillis() - jvmStart);
    // What a test that creates its cluster right after starting the environment sees: the JVM's
    // first cluster.
    long[] immediate = createAndAwait(first, "first", 1);
    System.out.printf(
        "first RayCluster in the JVM, created right after the cold start -> ready: %d ms, cpu %d ms%n",
        immediate[0], immediate[1]);
    first.close();

    List<Long> warm = new ArrayList<>();
    long c1 = cpuMillis();
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      builder().startExactly().close();
      warm.add(ms(t));
    }
    System.out.printf(
        "environment ready, warm: median %d ms of %s, cpu %d ms per start%n",
        median(warm), warm, (cpuMillis() - c1) / 5);

    try (KubeRayEnvironment env = builder().startExactly()) {
      for (int n : new int[] {1, 10, 50}) {
        long[] elapsed = createAndAwait(env, "bench-" + n, n);
        System.out.printf(
            "%d RayCluster(s) (head + 1 worker each) created -> all ready: %d ms, cpu %d ms%n",
            n, elapsed[0], elapsed[1]);
      }
      List<Long> single = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        single.add(createAndAwait(env, "single-" + i, 1)[0]);
      }
      System.out.printf(
          "1 RayCluster created -> ready, after the first: median %d ms of %s%n",
          median(single), single);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "heap used after GC with 66 clusters (132 pods): %d MB%n",
          (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    }
    System.out.printf("load average at end: %s%n", loadAverage());
  }

  /**
   * Wall-clock and CPU milliseconds from the first create to the last cluster ready (the namespace
   * is made before).
   */
  private static long[] createAndAwait(KubeRayEnvironment env, String namespace, int n) {
    String ns = env.createNamespace(namespace);
    long t = System.nanoTime();
    long c = cpuMillis();
    List<RayClusterHandle> clusters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clusters.add(
          env.rayClusters()
              .inNamespace(ns)
              .create(
                  RayClusterSpec.named("c" + i)
                      .withHead(h -> h.withCpu("10m").withMemory("10Mi"))
                      .withWorkerGroup(
                          WorkerGroupSpec.named("w")
                              .withReplicas(1)
                              .withCpu("10m")
                              .withMemory("10Mi"))));
    }
    for (RayClusterHandle cluster : clusters) {
      cluster.awaitReady(Duration.ofSeconds(60));
    }
    return new long[] {ms(t), cpuMillis() - c};
  }

  private static KubeRayEnvironment.Builder builder() {
    return KubeRayEnvironment.builder()
        .kuberayVersion("v1.1.0")
        .rayMode(RayMode.OFF)
        .nodeCapacity("64", "256Gi");
  }

  /** CPU time of the whole process (every thread, the JIT compilers and GC included). */
  private static long cpuMillis() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1_000_000;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
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
