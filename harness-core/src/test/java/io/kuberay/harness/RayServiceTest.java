package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A RayService on the emulated backend (KubeRay v1.5.0) with real Serve: deploy, answer, the objects the operator makes. */
class RayServiceTest {

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env = KubeRayEnvironment.builder().kuberayVersion("v1.5.0").rayMode(RayMode.REQUIRED).startExactly();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void deploysTheServeAppAndAnswersThroughTheServeService() {
    long start = System.nanoTime();
    RayServiceHandle service = env.rayServices().create(ServeApps.greeter()).awaitRunning(Duration.ofMinutes(8));
    System.out.printf("RayService created -> running: %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

    HttpResponse<String> answer = ServeApps.get(service.serveUrl(), "/greet");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("hello, v1");

    RayServiceStatus status = service.status();
    assertThat(status.serviceStatus()).isEqualTo("Running");
    assertThat(status.condition("Ready")).contains("True");
    assertThat(status.condition("UpgradeInProgress")).contains("False");
    assertThat(status.numServeEndpoints()).isEqualTo(1);
    assertThat(status.activeApplications()).containsEntry("greeter", "RUNNING");
    assertThat(status.activeClusterName()).matches("greeter-[a-z0-9]{5}");

    String cluster = status.activeClusterName();
    assertThat(env.rayClusters().withName(cluster).get().getMetadata().getLabels())
        .containsEntry("ray.io/originated-from-cr-name", "greeter")
        .containsEntry("ray.io/originated-from-crd", "RayService");
    assertThat(env.rayClusters().withName(cluster).get().getMetadata().getAnnotations())
        .containsKeys("ray.io/hash-without-replicas-and-workers-to-delete")
        .containsEntry("ray.io/num-worker-groups", "0");
    assertThat(service.activeCluster().headPod().get().getMetadata().getLabels()).containsEntry("ray.io/serve", "true");

    Service serve = service.serveService();
    assertThat(serve.getSpec().getSelector()).containsEntry("ray.io/cluster", cluster).containsEntry("ray.io/serve", "true");
    assertThat(serve.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("serve");
      assertThat(p.getPort()).isEqualTo(8000);
    });
    assertThat(serve.getMetadata().getLabels()).containsEntry("ray.io/serve", "greeter-serve");
    Service head = env.client().services().inNamespace("default").withName("greeter-head-svc").get();
    assertThat(head.getSpec().getSelector()).containsEntry("ray.io/cluster", cluster).containsEntry("ray.io/node-type", "head");

    List<String> reasons = service.events().stream().map(e -> e.getReason()).toList();
    assertThat(reasons).contains("CreatedRayCluster", "UpdatedServeApplications", "UpdatedHeadPodServeLabel", "CreatedService");

    service.delete();
    Waits.until("RayService default/greeter's clusters", "deleted with it", Duration.ofSeconds(30),
        () -> env.rayClusters().list(), List::isEmpty, String::valueOf, null);
  }
}
