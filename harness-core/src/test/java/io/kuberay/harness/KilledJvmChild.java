package io.kuberay.harness;

import io.kuberay.harness.ray.process.JvmReaper;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link KilledJvmLeavesNothingIT}: starts an emulated environment with real Ray and the chart's
 * cluster, says what it owns on stdout, and waits to be killed. {@code starting}: says so as soon as the cluster is
 * created, while Ray nodes start; {@code ready}: once the cluster is ready.
 */
final class KilledJvmChild {

  private KilledJvmChild() {}

  public static void main(String[] args) throws InterruptedException {
    boolean whileStarting = args.length > 0 && args[0].equals("starting");
    KubeRayEnvironment env = KubeRayEnvironment.builder().kuberayVersion("v1.1.0").rayMode(RayMode.REQUIRED).startExactly();
    System.out.println("OWNER " + JvmReaper.owner());
    System.out.println("DIR " + env.kubeconfig().toAbsolutePath().getParent());
    RayClusterHandle cluster = env.rayClusters().create(RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0)
        .withChartValues(Map.of("head.resources.requests.cpu", "500m", "worker.resources.requests.cpu", "500m")));
    if (!whileStarting) {
      cluster.awaitReady(Duration.ofMinutes(8));
    }
    System.out.println("UP");
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(10).toMillis()); // killed long before
  }
}
