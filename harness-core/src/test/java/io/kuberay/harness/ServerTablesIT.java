package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl get} receives: server-side Tables with the columns a real API server prints.
 */
class ServerTablesIT {

  private static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  @Test
  @DisplayName("pods print READY/STATUS/RESTARTS/AGE; RayClusters print the CRD's printer columns")
  void tables() throws Exception {
    try (KubeRayEnvironment env =
        KubeRayEnvironment.builder().rayMode(RayMode.OFF).startExactly()) {
      env.rayClusters()
          .create(RayClusterSpec.helmChartDefaults("raycluster", KubeRayVersion.V1_1_0))
          .awaitReady(Duration.ofSeconds(30));
      String pods = get(env, "/api/v1/namespaces/default/pods");
      assertThat(pods)
          .contains("\"kind\":\"Table\"")
          .contains("\"name\":\"Ready\"")
          .contains("\"name\":\"Status\"")
          .contains("\"1/1\"")
          .contains("\"Running\"");
      String clusters = get(env, "/apis/ray.io/v1/namespaces/default/rayclusters");
      assertThat(clusters)
          .contains("\"name\":\"desired workers\"")
          .contains("\"name\":\"status\"")
          .contains("\"ready\"")
          .contains("raycluster-kuberay");
      String services = get(env, "/api/v1/namespaces/default/services");
      assertThat(services)
          .contains("\"name\":\"Port(s)\"")
          .contains("10001/TCP,8265/TCP,8080/TCP,6379/TCP,8000/TCP");

      // kubectl get --sort-by asks for includeObject=Object and sorts the rows by the objects'
      // fields: with only their metadata it printed "No resources found" (events by lastTimestamp).
      String events = get(env, "/api/v1/namespaces/default/events?includeObject=Object");
      assertThat(events)
          .contains("\"object\":{\"kind\":\"Event\",\"apiVersion\":\"v1\"")
          .contains("\"lastTimestamp\"")
          .doesNotContain("PartialObjectMetadata");
      assertThat(get(env, "/api/v1/namespaces/default/events"))
          .contains("\"object\":{\"kind\":\"PartialObjectMetadata\"");
      assertThat(get(env, "/api/v1/namespaces/default/pods?includeObject=None"))
          .contains("\"cells\"")
          .doesNotContain("\"object\"");
      HttpResponse<String> bad =
          KubeconfigHttp.send(
              env,
              "GET",
              "/api/v1/namespaces/default/pods?includeObject=All",
              null,
              "Accept",
              TABLE);
      assertThat(bad.code()).isEqualTo(400);
      assertThat(bad.body()).contains("unrecognized includeObject value: \\\"All\\\"");
    }
  }

  private static String get(KubeRayEnvironment env, String path) {
    HttpResponse<String> response = KubeconfigHttp.send(env, "GET", path, null, "Accept", TABLE);
    assertThat(response.code()).as(response.body()).isEqualTo(200);
    assertThat(response.header("Content-Type")).contains("as=Table");
    return response.body();
  }
}
