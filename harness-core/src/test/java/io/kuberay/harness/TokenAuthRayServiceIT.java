package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A RayService whose cluster has {@code authOptions: {mode: token}} (KubeRay v1.7.0, Ray 2.52): the
 * operator's Serve calls to the dashboard carry the token, so the app deploys; the dashboard
 * refuses the same call without it; Serve's own HTTP proxy is not behind the token (Ray 2.52).
 */
class TokenAuthRayServiceIT {

  private static KubeRayEnvironment env;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.7.0")
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
  @DisplayName(
      "the operator deploys Serve through a token-protected dashboard; without the token it is 401")
  void serveDeploysWithTheToken() {
    String yaml =
        ServeApps.resource("/serve/rayservice-greeter.yaml")
            .replace(
                "    rayVersion: \"2.52.0\"\n",
                "    rayVersion: \"2.52.0\"\n    authOptions: {mode: token}\n");
    assertThat(yaml).contains("authOptions");
    RayServiceHandle service =
        env.rayServices()
            .create(RayServiceSpec.fromYaml(yaml).withPythonPath(ServeApps.directory()))
            .awaitRunning(Duration.ofMinutes(4));

    assertThat(service.status().activeApplications()).containsEntry("greeter", "RUNNING");
    HttpResponse<String> answer = ServeApps.get(service.serveUrl(), "/greet");
    assertThat(answer.body()).isEqualTo("hello, v1");

    RayClusterHandle cluster = service.activeCluster();
    HttpResponse<String> anonymous =
        ServeApps.get(cluster.dashboardUrl(), "/api/serve/applications/");
    assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
    assertThat(cluster.jobsClient().list()).isEmpty();
  }
}
