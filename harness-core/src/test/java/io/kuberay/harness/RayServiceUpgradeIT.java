package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import io.kuberay.harness.rayservice.RayServiceStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upgrades on the emulated backend (KubeRay v1.5.0) with real Serve: a cluster-config change rolls
 * out a new cluster while requests keep being answered, the old cluster goes; a serveConfigV2
 * change is applied in place.
 */
class RayServiceUpgradeIT {

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.5.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void clusterUpgradeWithoutAFailedRequestThenServeConfigInPlace() throws InterruptedException {
    RayServiceSpec spec = ServeApps.greeter().withClusterDeletionDelaySeconds(30);
    RayServiceHandle service = env.rayServices().create(spec).awaitRunning(Duration.ofMinutes(8));
    String first = service.status().activeClusterName();
    assertThat(ServeApps.get(service.serveUrl(), "/greet").body()).isEqualTo("hello, v1");

    AtomicInteger sent = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    sender.scheduleWithFixedDelay(
        () -> {
          sent.incrementAndGet();
          try {
            // Downtime shows as a refused connection or a 5xx; on an overloaded machine (load 50 on
            // 2 cores seen) an
            // answer can take longer than 10 s, which is latency, not downtime.
            HttpResponse<String> r =
                ServeApps.get(service.serveUrl(), "/greet", Duration.ofSeconds(60));
            if (r.statusCode() != 200) {
              synchronized (failures) {
                failures.add(r.statusCode() + " " + r.body());
              }
            }
          } catch (RuntimeException e) {
            synchronized (failures) {
              failures.add(e.toString());
            }
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    try {
      service.update(spec.withClusterEnv("GREETER_VERSION", "v2"));
      RayServiceStatus upgrading =
          Waits.until(
              service.toString(),
              "a pending cluster",
              Duration.ofSeconds(60),
              service::status,
              s -> !s.pendingClusterName().isEmpty(),
              String::valueOf,
              null);
      assertThat(upgrading.pendingClusterName()).isNotEqualTo(first);
      assertThat(upgrading.activeClusterName()).isEqualTo(first);
      RayServiceStatus upgraded =
          Waits.until(
              service.toString(),
              "serving from the new cluster",
              Duration.ofMinutes(8),
              service::status,
              s ->
                  s.isRunning()
                      && s.pendingClusterName().isEmpty()
                      && !s.activeClusterName().equals(first),
              String::valueOf,
              null);
      assertThat(upgraded.activeApplications()).containsEntry("greeter", "RUNNING");
      assertThat(ServeApps.get(service.serveUrl(), "/greet").body()).isEqualTo("hello, v2");
    } finally {
      // Let the request in flight finish: interrupting it would count the test's own stop as a
      // failed request.
      sender.shutdown();
      if (!sender.awaitTermination(90, TimeUnit.SECONDS)) {
        sender.shutdownNow();
      }
    }
    System.out.printf(
        "Requests during the upgrade: %d sent, %d failed %s%n",
        sent.get(), failures.size(), failures.stream().limit(3).toList());
    assertThat(sent.get()).isGreaterThan(10);
    assertThat(failures).isEmpty();
    Waits.until(
        service.toString(),
        "old cluster " + first + " deleted",
        Duration.ofMinutes(3),
        service::clusterNames,
        names -> !names.contains(first) && names.size() == 1,
        String::valueOf,
        null);
    // The operator records its event just after the delete returns: wait for it, bounded.
    Waits.until(
        service.toString(),
        "events DeletedRayCluster and UpdatedService",
        Duration.ofSeconds(60),
        () -> service.events().stream().map(e -> e.getReason()).toList(),
        reasons -> reasons.containsAll(List.of("DeletedRayCluster", "UpdatedService")),
        String::valueOf,
        null);

    // serveConfigV2 alone: the same cluster gets the new config.
    String second = service.status().activeClusterName();
    service.update(
        spec.withClusterEnv("GREETER_VERSION", "v2")
            .withServeConfigV2(spec.serveConfigV2().replace("greeting: hello", "greeting: hi")));
    Waits.until(
        service.toString(),
        "answering 'hi, v2'",
        Duration.ofMinutes(3),
        () -> ServeApps.get(service.serveUrl(), "/greet").body(),
        "hi, v2"::equals,
        String::valueOf,
        null);
    assertThat(service.status().activeClusterName()).isEqualTo(second);
    assertThat(service.clusterNames()).containsExactly(second);
  }
}
