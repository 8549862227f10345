package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad RayServices on the emulated backend (KubeRay v1.5.0) with real Serve: each shows as the
 * operator reports it, and awaitRunning fails fast.
 */
class RayServiceBadInputIT {

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
  void anAppThatFailsToImportIsDeployFailed() {
    RayServiceSpec spec =
        rename(ServeApps.greeter(), "broken")
            .withServeConfigV2(
                "applications:\n  - name: broken\n    import_path: broken:app\n    route_prefix: /broken\n");
    RayServiceHandle service = env.rayServices().create(spec);
    assertThatThrownBy(() -> service.awaitRunning(Duration.ofMinutes(8)))
        .hasMessageContaining("cannot happen any more")
        .hasMessageContaining("broken: DEPLOY_FAILED")
        .hasMessageContaining("module_that_does_not_exist");
    assertThat(service.status().pendingApplications()).containsEntry("broken", "DEPLOY_FAILED");
    // v1.5.0's NotRunning is "", omitted from the status.
    assertThat(service.status().raw()).doesNotContainKey("serviceStatus");
    service.delete();
  }

  @Test
  void aServeConfigTheDashboardRejectsIsAFailedToUpdateEvent() {
    RayServiceSpec spec =
        rename(ServeApps.greeter(), "rejected")
            .withServeConfigV2(
                // No import_path: the dashboard's schema check refuses the PUT (a bad route_prefix,
                // by contrast, is accepted
                // and fails later as DEPLOY_FAILED).
                "applications:\n  - name: rejected\n    route_prefix: /rejected\n");
    RayServiceHandle service = env.rayServices().create(spec);
    assertThatThrownBy(() -> service.awaitRunning(Duration.ofMinutes(8)))
        .hasMessageContaining(
            "FailedToUpdateServeApplications: Failed to update serve applications to the RayCluster default/rejected-")
        .hasMessageContaining("fail to create / update Serve applications.")
        .hasMessageContaining("UpdateDeployments fail: 400 Bad Request");
    assertThat(service.events())
        .filteredOn(e -> "FailedToUpdateServeApplications".equals(e.getReason()))
        .first()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    service.delete();
  }

  @Test
  void aServeConfigThatIsNotYamlIsReportedWithoutACall() {
    RayServiceSpec spec =
        rename(ServeApps.greeter(), "notyaml").withServeConfigV2("applications: [unclosed\n");
    RayServiceHandle service = env.rayServices().create(spec);
    assertThatThrownBy(() -> service.awaitRunning(Duration.ofMinutes(8)))
        .hasMessageContaining(
            "FailedToUpdateServeApplications: Failed to update serve applications to the RayCluster default/notyaml-")
        .hasMessageContaining("error converting YAML to JSON");
    service.delete();
  }

  @Test
  void aHeadWithoutServePortGetsNoServeService() {
    String yaml =
        ServeApps.resource("/serve/rayservice-greeter.yaml")
            .replace("name: greeter\n", "name: noport\n")
            .replace("            - {containerPort: 8000, name: serve}\n", "");
    RayServiceHandle service =
        env.rayServices()
            .create(RayServiceSpec.fromYaml(yaml).withPythonPath(ServeApps.directory()));
    assertThatThrownBy(() -> service.awaitRunning(Duration.ofMinutes(8)))
        .hasMessageContaining("cannot happen any more")
        .hasMessageContaining("no port named 'serve'");
    assertThat(env.client().services().inNamespace("default").withName("noport-serve-svc").get())
        .isNull();
    service.delete();
  }

  private static RayServiceSpec rename(RayServiceSpec spec, String name) {
    return spec.withName(name);
  }
}
