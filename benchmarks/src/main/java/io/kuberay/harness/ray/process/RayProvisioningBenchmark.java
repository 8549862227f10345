package io.kuberay.harness.ray.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How long a Ray version takes to become usable: its first provisioning into the cache, then a
 * later resolution from the cache, in one run. Pick the cache and the installer with the settings,
 * e.g. a fresh cache and pip: {@code java -cp $CP -Dkuberay.cache.dir=/tmp/fresh
 * -Dkuberay.ray.installer=pip io.kuberay.harness.ray.process.RayProvisioningBenchmark 2.52.0}
 * (classpath: docs/PERFORMANCE.md).
 */
final class RayProvisioningBenchmark {

  private RayProvisioningBenchmark() {}

  public static void main(String[] args) {
    String version = args.length > 0 ? args[0] : RayRuntime.RAY_VERSION;
    Path cache = HarnessDirs.cacheDir();
    long start = System.nanoTime();
    RayRuntime first = new RayProvisioner(cache, version).provision();
    Duration firstUse = Duration.ofNanos(System.nanoTime() - start);
    start = System.nanoTime();
    RayRuntime again = new RayProvisioner(cache, version).provision();
    Duration cached = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "Ray %s in %s: first use %.1f s (%s), cached %.1f s (%s)%n",
        version, cache, firstUse.toMillis() / 1000.0, first, cached.toMillis() / 1000.0, again);
  }
}
