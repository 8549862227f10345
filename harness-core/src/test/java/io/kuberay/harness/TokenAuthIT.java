package io.kuberay.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kuberay.harness.ray.JobDetails;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.ray.JobSubmission;
import io.kuberay.harness.ray.RayJobsClient;
import io.kuberay.harness.ray.RayJobsException;
import io.kuberay.harness.rayservice.RayServiceHandle;
import io.kuberay.harness.rayservice.RayServiceSpec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * KubeRay v1.7.0's {@code authOptions: {mode: token}} on the emulated backend with real Ray 2.52: a
 * RayJob whose submitter and operator send the token succeeds; on its cluster, the operator's token
 * Secret and env, Ray refusing a request without the token (401) or with a wrong one (403), and the
 * harness's client reading the Secret; then a RayService whose operator deploys Serve through the
 * token-protected dashboard. One environment and one Ray cluster at a time, to stay quick on two
 * cores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenAuthIT {

  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String DRIVER =
      "python -c \"import ray; ray.init(); print('authenticated', ray.cluster_resources()['CPU'])\"";
  private static KubeRayEnvironment env;
  private static String ns;

  @BeforeAll
  static void start() {
    env =
        KubeRayEnvironment.builder()
            .kuberayVersion("v1.7.0")
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    ns = env.createNamespace("auth");
    GenericKubernetesResource job =
        env.client()
            .getKubernetesSerialization()
            .unmarshal(rayJob(), GenericKubernetesResource.class);
    env.client()
        .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
        .inNamespace(ns)
        .resource(job)
        .create();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static String rayJob() {
    return "apiVersion: ray.io/v1\nkind: RayJob\nmetadata:\n  name: secured-job\nspec:\n"
        + "  entrypoint: "
        + DRIVER
        + "\n  rayClusterSpec:\n    rayVersion: '2.52.0'\n    authOptions: {mode: token}\n"
        + head("    ");
  }

  private static String head(String indent) {
    return indent
        + "headGroupSpec:\n"
        + indent
        + "  rayStartParams: {}\n"
        + indent
        + "  template:\n"
        + indent
        + "    spec:\n"
        + indent
        + "      containers:\n"
        + indent
        + "      - name: ray-head\n"
        + indent
        + "        image: rayproject/ray:2.52.0\n"
        + indent
        + "        resources: {limits: {cpu: '1', memory: 2Gi}, requests: {cpu: '1', memory: 2Gi}}\n";
  }

  /** The RayJob's status once Complete (both tests use its cluster). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> completed() {
    return Waits.until(
        "RayJob " + ns + "/secured-job",
        "jobDeploymentStatus Complete",
        WAIT,
        () -> {
          GenericKubernetesResource r =
              env.client()
                  .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
                  .inNamespace(ns)
                  .withName("secured-job")
                  .get();
          return r == null
              ? Map.<String, Object>of()
              : (Map<String, Object>) r.getAdditionalProperties().getOrDefault("status", Map.of());
        },
        s -> "Complete".equals(s.get("jobDeploymentStatus")),
        String::valueOf,
        s -> "Failed".equals(s.get("jobDeploymentStatus")));
  }

  @Test
  @Order(1)
  @DisplayName(
      "a token cluster's dashboard answers 401 without the token, 403 with a wrong one, and runs jobs with the Secret's")
  void theDashboardChecksTheTokenFromTheOperatorsSecret() {
    String name = (String) completed().get("rayClusterName");
    RayClusterHandle cluster = env.rayClusters().inNamespace(ns).withName(name);
    cluster.awaitReady(WAIT);

    Secret secret = env.client().secrets().inNamespace(ns).withName(name).get();
    assertThat(secret).as("the token Secret reconcileAuthSecret creates").isNotNull();
    assertThat(secret.getData()).containsKey("auth_token");
    assertThat(secret.getMetadata().getLabels()).containsEntry("ray.io/cluster", name);
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("RayCluster"));
    assertThat(cluster.headPod().get().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .contains("RAY_AUTH_MODE", "RAY_AUTH_TOKEN");

    RayJobsClient anonymous = RayJobsClient.connect(cluster.dashboardUrl());
    assertThatThrownBy(anonymous::list)
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(401))
        .hasMessageContaining("Missing authentication token")
        .hasMessageContaining("jobsClient()");
    assertThatThrownBy(
            () ->
                anonymous.submit(JobSubmission.entrypoint("python -c \"print('should not run')\"")))
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(401));
    assertThatThrownBy(() -> anonymous.withAuthToken("not-the-token").list())
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403))
        .hasMessageContaining("Invalid authentication token");

    RayJobsClient jobs = cluster.jobsClient();
    // The RayJob's own job is there; the anonymous submission did not get in.
    assertThat(jobs.list())
        .extracting(JobDetails::entrypoint)
        .doesNotContain("python -c \"print('should not run')\"");
    String id = jobs.submit(JobSubmission.entrypoint(DRIVER));
    jobs.awaitStatus(id, JobStatus.SUCCEEDED, WAIT);
    assertThat(jobs.logs(id)).contains("authenticated");
  }

  @Test
  @Order(2)
  @DisplayName("a RayJob with authOptions succeeds: its submitter and the operator send the token")
  void aRayJobWithTokenAuthSucceeds() {
    Map<String, Object> status = completed();
    assertThat(status).containsEntry("jobStatus", "SUCCEEDED");
    Job submitter = env.client().batch().v1().jobs().inNamespace(ns).withName("secured-job").get();
    assertThat(submitter.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .endsWith("RAY_JOB_SUBMISSION_ID", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN");
    String clusterName = (String) status.get("rayClusterName");
    GenericKubernetesResource cluster =
        env.rayClusters().inNamespace(ns).withName(clusterName).get();
    assertThat(cluster).isNotNull();
    String logs =
        env.rayClusters()
            .inNamespace(ns)
            .withName(clusterName)
            .jobsClient()
            .logs((String) status.get("jobId"));
    assertThat(logs).contains("authenticated");
  }

  @Test
  @Order(3)
  @DisplayName(
      "the operator deploys Serve through a token-protected dashboard; without the token it is 401")
  void aRayServiceDeploysThroughTheToken() {
    // One Ray cluster at a time on two cores: the RayJob's goes first.
    env.client()
        .genericKubernetesResources(RayJobResourceIT.RAY_JOBS)
        .inNamespace(ns)
        .withName("secured-job")
        .delete();
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
