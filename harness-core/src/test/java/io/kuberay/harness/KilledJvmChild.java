package io.kuberay.harness;

import io.kuberay.harness.ray.process.JvmReaper;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link KilledJvmLeavesNothingIT}: starts an emulated environment with real Ray
 * and the chart's cluster, says what it owns on stdout, and waits to be killed. {@code starting}:
 * says so as soon as the cluster is created, while Ray nodes start; {@code ready}: once the cluster
 * is ready.
 */
final class KilledJvmChild {

  private KilledJvmChild() {}

  public static void main(String[] args) throws InterruptedException {
    boolean whileStarting = args.length > 0 && args[0].equals("starting");
    KubeRayEnvironment env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.1.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    System.out.println("OWNER " + JvmReaper.owner());
    System.out.println("DIR " + env.kubeconfig().toAbsolutePath().getParent());
    RayClusterHandle cluster =
        env.rayClusters()
            .create(
                RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0)
                    .withChartValues(
                        Map.of(
                            "head.resources.requests.cpu",
                            "500m",
                            "worker.resources.requests.cpu",
                            "500m")));
    if (!whileStarting) {
      cluster.awaitReady(Duration.ofMinutes(8));
    }
    System.out.println("UP");
    System.out.flush();
    // The test kills this JVM long before; if the test's JVM goes first, its end of our stdin
    // closes and we end too.
    CountDownLatch parentGone = new CountDownLatch(1);
    Thread watch =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // the parent sends nothing; wait for end of stream
                }
              } catch (IOException e) {
                // a broken pipe is a gone parent too
              }
              parentGone.countDown();
            },
            "parent-watch");
    watch.setDaemon(true);
    watch.start();
    parentGone.await(10, TimeUnit.MINUTES);
  }
}
