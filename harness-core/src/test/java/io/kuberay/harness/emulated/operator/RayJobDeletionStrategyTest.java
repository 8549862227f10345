package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import io.kuberay.harness.emulated.support.Labels;
import io.kuberay.harness.emulated.support.Maps;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a finished RayJob's {@code spec.deletionStrategy} deletes, as v1.5.0's (gate on) and
 * v1.7.0's rayjob_controller.go do it ({@code handleDeletionRules}, {@code
 * handleLegacyDeletionPolicy}), after the cases of their {@code rayjob_controller_test.go} "RayJob
 * with DeletionStrategy": against an in-process API server with the release's CRDs and a stand-in
 * Ray dashboard. The test plays the RayCluster controller (every RayCluster ready), or runs the
 * emulated one and plays the kubelet (every pod running and ready) where worker pods must go.
 */
class RayJobDeletionStrategyTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** HTTPMode; a head and two worker groups of one replica each. */
  private static final String JOB =
      """
      apiVersion: ray.io/v1
      kind: RayJob
      metadata: {name: job, namespace: default}
      spec:
        entrypoint: echo hi
        submissionMode: HTTPMode
        rayClusterSpec:
          headGroupSpec:
            rayStartParams: {}
            template:
              spec:
                containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
          workerGroupSpecs:
          - groupName: group-a
            replicas: 1
            minReplicas: 0
            maxReplicas: 2
            rayStartParams: {}
            template:
              spec:
                containers: [{name: ray-worker, image: rayproject/ray:2.52.0}]
          - groupName: group-b
            replicas: 1
            minReplicas: 0
            maxReplicas: 2
            rayStartParams: {}
            template:
              spec:
                containers: [{name: ray-worker, image: rayproject/ray:2.52.0}]
      """;

  private RayJobControllerFixture fixture;

  /** What the stand-in dashboard reports for every job. */
  private String rayStatus = "SUCCEEDED";

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void ofTwoOverdueRulesOnlyTheMostImpactfulRuns() throws IOException {
    KubernetesClient client = start(UpstreamSpecs.flavor("v1.7.0"), false);
    createJob(
        client,
        "  deletionStrategy:\n    deletionRules:\n"
            + rule("DeleteWorkers", "jobStatus: SUCCEEDED")
            + rule("DeleteCluster", "jobStatus: SUCCEEDED"));
    String cluster = clusterName(awaitDeployment(client, "Complete", false));

    awaitClusterGone(client, cluster);
    assertThat(events(client))
        .contains("Normal DeletedRayCluster: Deleted cluster default/" + cluster)
        .noneMatch(e -> e.contains("UpdatedRayCluster"));
    assertThat(job(client)).as("RayJob default/job, no DeleteSelf rule").isNotNull();
  }

  @Test
  void aRuleRunsOnceItsTtlAfterTheEndHasPassed() throws IOException {
    KubernetesClient client = start(UpstreamSpecs.flavor("v1.7.0"), false);
    createJob(
        client,
        "  deletionStrategy:\n    deletionRules:\n"
            + rule("DeleteCluster", "jobStatus: SUCCEEDED, ttlSeconds: 2")
            + rule("DeleteSelf", "jobStatus: FAILED"));
    Map<String, Object> complete = awaitDeployment(client, "Complete", false);
    Instant end = Instant.parse(String.valueOf(complete.get("endTime")));

    awaitClusterGone(client, clusterName(complete));
    assertThat(Instant.now())
        .as("cluster deleted at endTime + ttlSeconds or later")
        .isAfterOrEqualTo(end.plusSeconds(2));
    assertThat(job(client)).as("RayJob default/job: its DeleteSelf rule is for FAILED").isNotNull();
  }

  @Test
  void deleteWorkersSuspendsEveryWorkerGroupAndTheirPodsGo() throws IOException {
    KubernetesClient client = start(UpstreamSpecs.flavor("v1.7.0"), true);
    createJob(
        client,
        "  deletionStrategy:\n    deletionRules:\n"
            + rule("DeleteWorkers", "jobStatus: SUCCEEDED"));
    String cluster = clusterName(awaitDeployment(client, "Complete", true));

    Awaitility.await("the worker pods of RayCluster default/" + cluster + " gone")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> podNames(client, "worker"), List::isEmpty);
    assertThat(suspendFields(client, cluster)).containsExactly(true, true);
    assertThat(podNames(client, "head")).as("head pod of " + cluster).hasSize(1);
    // Still ready (as KubeRay's e2e test checks); CalculateDesiredReplicas/MinReplicas/MaxReplicas
    // leave suspended groups out: all zero, omitted.
    Awaitility.await("RayCluster default/" + cluster + " ready and counting no worker")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> Maps.map(cluster(client, cluster).getAdditionalProperties().get("status")),
            s ->
                "ready".equals(s.get("state"))
                    && !s.containsKey("desiredWorkerReplicas")
                    && !s.containsKey("minWorkerReplicas")
                    && !s.containsKey("maxWorkerReplicas"));
    assertThat(events(client))
        .contains(
            "Normal UpdatedRayCluster: Set the `suspend` field to true for all worker groups in cluster default/"
                + cluster,
            "Normal DeletedWorkerPod: Deleted all pods for suspended worker group group-a in RayCluster default/"
                + cluster,
            "Normal DeletedWorkerPod: Deleted all pods for suspended worker group group-b in RayCluster default/"
                + cluster);
    assertThat(job(client)).isNotNull();
  }

  @Test
  void aJobDeploymentStatusRuleAndThenALaterDeleteSelf() throws IOException {
    rayStatus = "FAILED";
    KubernetesClient client = start(UpstreamSpecs.flavor("v1.7.0"), false);
    createJob(
        client,
        "  deletionStrategy:\n    deletionRules:\n"
            + rule("DeleteCluster", "jobDeploymentStatus: Failed")
            + rule("DeleteSelf", "jobStatus: FAILED, ttlSeconds: 3"));
    String cluster = clusterName(awaitDeployment(client, "Failed", false));

    awaitClusterGone(client, cluster);
    assertThat(job(client)).as("RayJob default/job before its DeleteSelf TTL").isNotNull();
    Awaitility.await("RayJob default/job deleted by its DeleteSelf rule")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> deploymentStatus(client), s -> s.equals("(gone)"));
  }

  @Test
  void v150WithTheGateOnRunsTheLegacyOnSuccessPolicy() throws IOException {
    KubeRayVersion v = KubeRayVersion.V1_5_0;
    KubernetesClient client =
        start(
            new OperatorFlavor(
                v, OperatorOptions.parse(v, List.of("--feature-gates=RayJobDeletionPolicy=true"))),
            false);
    createJob(
        client,
        "  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 2\n"
            + "  deletionStrategy:\n"
            + "    onSuccess: {policy: DeleteSelf}\n"
            + "    onFailure: {policy: DeleteCluster}\n");
    awaitDeployment(client, "Complete", false);

    Awaitility.await("RayJob default/job deleted by its onSuccess policy")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> deploymentStatus(client), s -> s.equals("(gone)"));
    assertThat(events(client))
        .as("DeleteSelf, not shutdownAfterJobFinishes' cluster deletion")
        .noneMatch(e -> e.contains("DeletedRayCluster"));
  }

  @Test
  void theLegacyOnFailurePolicyReplacesShutdownAfterJobFinishes() throws IOException {
    rayStatus = "FAILED";
    KubernetesClient client = start(UpstreamSpecs.flavor("v1.7.0"), false);
    createJob(
        client,
        "  shutdownAfterJobFinishes: true\n"
            + "  deletionStrategy:\n"
            + "    onSuccess: {policy: DeleteCluster}\n"
            + "    onFailure: {policy: DeleteWorkers}\n");
    String cluster = clusterName(awaitDeployment(client, "Failed", false));

    Awaitility.await("worker groups of RayCluster default/" + cluster + " suspended")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> suspendFields(client, cluster), s -> s.equals(List.of(true, true)));
    assertThat(events(client))
        .contains(
            "Normal UpdatedRayCluster: Set the `suspend` field to true for all worker groups in cluster default/"
                + cluster)
        .noneMatch(e -> e.contains("DeletedRayCluster"));
    assertThat(cluster(client, cluster)).as("RayCluster default/" + cluster).isNotNull();
  }

  private KubernetesClient start(OperatorFlavor flavor, boolean runClusterController)
      throws IOException {
    fixture = RayJobControllerFixture.start(flavor, runClusterController);
    fixture.dashboard.job(rayStatus, "m", null);
    return fixture.client();
  }

  private static String rule(String policy, String condition) {
    return "    - policy: " + policy + "\n      condition: {" + condition + "}\n";
  }

  private static void createJob(KubernetesClient client, String spec) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .resource(Serialization.unmarshal(JOB + spec, GenericKubernetesResource.class))
        .create();
  }

  /**
   * The RayJob's status once its jobDeploymentStatus is {@code deployment}, the RayCluster
   * controller played meanwhile ({@code pods}: the emulated one runs, and the test plays the
   * kubelet instead).
   */
  private static Map<String, Object> awaitDeployment(
      KubernetesClient client, String deployment, boolean pods) {
    return Awaitility.await("RayJob default/job " + deployment)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (pods) {
                UpstreamSpecs.podsRunningAndReady(client);
              } else {
                UpstreamSpecs.readyClusters(client);
              }
              GenericKubernetesResource job = job(client);
              return Maps.map(job == null ? null : job.getAdditionalProperties().get("status"));
            },
            s -> deployment.equals(s.get("jobDeploymentStatus")));
  }

  private static void awaitClusterGone(KubernetesClient client, String name) {
    Awaitility.await("RayCluster default/" + name + " deleted")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              GenericKubernetesResource c = cluster(client, name);
              return c == null
                  ? "(gone)"
                  : "present, deletionTimestamp " + c.getMetadata().getDeletionTimestamp();
            },
            s -> s.equals("(gone)"));
  }

  private static GenericKubernetesResource job(KubernetesClient client) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_JOBS)
        .inNamespace("default")
        .withName("job")
        .get();
  }

  /** The RayJob's jobDeploymentStatus, {@code (gone)} once it is deleted. */
  private static String deploymentStatus(KubernetesClient client) {
    GenericKubernetesResource job = job(client);
    return job == null
        ? "(gone)"
        : Maps.string(Maps.map(job.getAdditionalProperties().get("status")), "jobDeploymentStatus")
            .orElse("");
  }

  private static GenericKubernetesResource cluster(KubernetesClient client, String name) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withName(name)
        .get();
  }

  private static String clusterName(Map<String, Object> status) {
    return String.valueOf(status.get("rayClusterName"));
  }

  /** Each worker group's {@code suspend}, false when unset. */
  private static List<Boolean> suspendFields(KubernetesClient client, String name) {
    GenericKubernetesResource c = cluster(client, name);
    Map<String, Object> spec = Maps.map(c == null ? null : c.getAdditionalProperties().get("spec"));
    return Maps.list(spec.get("workerGroupSpecs")).stream()
        .map(g -> Maps.bool(Maps.map(g), "suspend"))
        .toList();
  }

  private static List<String> podNames(KubernetesClient client, String nodeType) {
    return client
        .pods()
        .inNamespace("default")
        .withLabel(Labels.NODE_TYPE, nodeType)
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  /** Every event of {@code default}: {@code Type Reason: message}. */
  private static List<String> events(KubernetesClient client) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }
}
