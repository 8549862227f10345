package io.kuberay.harness.k3s;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayVersion;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Prints how long a fresh JVM takes to have a k3s environment with KubeRay installed, and nothing
 * else: the figure #20's targets (under 20 s fresh, under 3 s reused) are about. Not a test: {@code
 * java [-Dkuberay.k3s.reuse=true] -cp $CP io.kuberay.harness.k3s.EnvironmentUpBenchmark
 * [manifestsDir]} (default {@code ../shared/kuberay}), with Docker and the local images present;
 * run it twice with reuse on, the second run is the reused start. Time the whole process with
 * {@code /usr/bin/time}.
 */
public final class EnvironmentUpBenchmark {

  private EnvironmentUpBenchmark() {}

  public static void main(String[] args) {
    Path manifests = Path.of(args.length > 0 ? args[0] : "../shared/kuberay").toAbsolutePath();
    long jvmToMain = ManagementFactory.getRuntimeMXBean().getUptime();
    long t = System.nanoTime();
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .backend(BackendType.K3S)
            .manifestsDir(manifests)
            .kuberayVersion(KubeRayVersion.V1_1_0)
            .startupTimeout(Duration.ofMinutes(5))
            .startExactly()) {
      long up = (System.nanoTime() - t) / 1_000_000;
      System.out.printf("%-44s %8d ms%n", "JVM start -> main", jvmToMain);
      System.out.printf("%-44s %8d ms%n", "environment up, KubeRay installed", up);
      t = System.nanoTime();
    }
    System.out.printf("%-44s %8d ms%n", "environment closed", (System.nanoTime() - t) / 1_000_000);
  }
}
