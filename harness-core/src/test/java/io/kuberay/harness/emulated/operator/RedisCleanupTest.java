package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.api.ResourceDefinitions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The deletion flow of a GCS FT RayCluster against an in-process API server, as KubeRay's {@code
 * Test_RedisCleanupFeatureFlag}, {@code Test_RedisCleanup}, {@code TestEvents_RedisCleanup} (and
 * v1.7.0's deletion timeout) check it; the test plays the Job controller.
 */
class RedisCleanupTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String JOB = "raycluster-sample-redis-cleanup";

  private RayClusterControllerFixture fixture;

  private KubernetesClient start(String version) {
    return start(UpstreamSpecs.flavor(version));
  }

  private KubernetesClient start(OperatorFlavor flavor) {
    fixture = RayClusterControllerFixture.start(flavor);
    return fixture.client();
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @DisplayName(
      "v1.5.0: finalizer first, pods after; on deletion the Job, its event, and once it completes"
          + " the finalizer goes and the garbage collector takes the Job")
  void completedJobReleasesTheCluster() {
    KubernetesClient client = start("v1.5.0");
    create(client, "", gcsOptions());
    awaitFinalizerAndHead(client);

    delete(client);
    Job job = awaitJob(client);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly("/bin/bash", "-c", "--");
    assertThat(pods(client, "head")).isEmpty();
    assertThat(pods(client, "worker")).isEmpty();
    assertThat(cluster(client)).as("held by the finalizer while the Job runs").isNotNull();
    assertThat(events(client, "CreatedRedisCleanupJob"))
        .extracting(Event::getMessage)
        .containsExactly("Created Redis cleanup Job default/" + JOB);

    finishJob(client, "Complete");
    awaitGone(client);
    Awaitility.await("Job " + JOB + " collected with its RayCluster")
        .atMost(WAIT)
        .until(() -> client.batch().v1().jobs().inNamespace("default").withName(JOB).get() == null);
  }

  @Test
  @DisplayName("a failed cleanup Job also releases the cluster (v1.5.0)")
  void failedJobReleasesTheCluster() {
    KubernetesClient client = start("v1.5.0");
    create(client, "", gcsOptions());
    awaitFinalizerAndHead(client);
    delete(client);
    awaitJob(client);
    finishJob(client, "Failed");
    awaitGone(client);
  }

  @Test
  @DisplayName("ENABLE_GCS_FT_REDIS_CLEANUP=false: no finalizer, pods at once, deletion immediate")
  void featureFlagOff() {
    // The operator Deployment's container env, as OperatorDeployments reads it.
    OperatorOptions options =
        OperatorOptions.fromContainer(
            KubeRayVersion.V1_5_0,
            Map.of(
                "env", List.of(Map.of("name", "ENABLE_GCS_FT_REDIS_CLEANUP", "value", "FALSE"))));
    KubernetesClient client = start(new OperatorFlavor(KubeRayVersion.V1_5_0, options));
    create(client, "", gcsOptions());
    Awaitility.await("head pod of raycluster-sample")
        .atMost(WAIT)
        .until(() -> !pods(client, "head").isEmpty());
    assertThat(cluster(client).getMetadata().getFinalizers()).isNullOrEmpty();
    delete(client);
    awaitGone(client);
    assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("v1.1.0: the ft-enabled annotation; the Job is created without an event")
  void v110HasNoJobEvents() {
    KubernetesClient client = start("v1.1.0");
    create(client, "  annotations:\n    ray.io/ft-enabled: 'true'\n", "");
    awaitFinalizerAndHead(client);
    delete(client);
    Job job = awaitJob(client);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly("/bin/bash", "-lc", "--");
    assertThat(events(client, "CreatedRedisCleanupJob")).isEmpty();
    finishJob(client, "Complete");
    awaitGone(client);
  }

  @Test
  @DisplayName("v1.7.0: a FailureTarget condition counts as finished")
  void v170FailureTargetFinishes() {
    KubernetesClient client = start("v1.7.0");
    create(client, "", gcsOptions());
    awaitFinalizerAndHead(client);
    delete(client);
    awaitJob(client);
    finishJob(client, "FailureTarget");
    awaitGone(client);
  }

  @Test
  @DisplayName(
      "v1.7.0: past ray.io/gcs-ft-deletion-timeout the finalizer is force-removed with a warning")
  void v170DeletionTimeout() {
    KubernetesClient client = start("v1.7.0");
    create(client, "  annotations:\n    ray.io/gcs-ft-deletion-timeout: '2'\n", gcsOptions());
    awaitFinalizerAndHead(client);
    delete(client);
    awaitJob(client);
    awaitGone(client);
    // Events are written beside the finalizer's removal, not before it (client-go's recorder is
    // asynchronous too): wait for it.
    Awaitility.await("Warning event ForceDeletedStuckCluster")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !events(client, "ForceDeletedStuckCluster").isEmpty());
    assertThat(events(client, "ForceDeletedStuckCluster"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage())
                  .matches(
                      "Force-removed GCS FT finalizer after [0-9.]+s due to Redis cleanup timeout;"
                          + " Redis storage namespace \"\" may need manual cleanup");
            });
  }

  @Test
  @DisplayName(
      "v1.7.0: the embedded backend gets no finalizer, and a stale one goes on deletion without a"
          + " Job")
  void v170EmbeddedBackend() {
    // The embedded backend is refused unless its Alpha gate is on (off by default in v1.7.0).
    KubernetesClient client =
        start(
            new OperatorFlavor(
                KubeRayVersion.V1_7_0,
                OperatorOptions.parse(
                    KubeRayVersion.V1_7_0,
                    List.of("--feature-gates=GCSFaultToleranceEmbeddedStorage=true"))));
    create(
        client,
        "  finalizers: [" + RedisCleanup.FINALIZER + "]\n",
        "  gcsFaultToleranceOptions:\n    backend: rocksdb\n");
    Awaitility.await("head pod of raycluster-sample")
        .atMost(WAIT)
        .until(() -> !pods(client, "head").isEmpty());
    assertThat(cluster(client).getMetadata().getFinalizers())
        .containsExactly(RedisCleanup.FINALIZER);
    delete(client);
    awaitGone(client);
    assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("an unreadable or zero deletion timeout annotation is the default")
  void deletionTimeoutAnnotation() {
    assertThat(RedisCleanup.deletionTimeout(Map.of(RedisCleanup.DELETION_TIMEOUT_ANNOTATION, "x")))
        .isEqualTo(Duration.ofSeconds(300));
    assertThat(RedisCleanup.deletionTimeout(Map.of(RedisCleanup.DELETION_TIMEOUT_ANNOTATION, "0")))
        .isEqualTo(Duration.ofSeconds(300));
  }

  private static String gcsOptions() {
    return "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n";
  }

  private static void create(KubernetesClient client, String metadataExtra, String specExtra) {
    String yaml =
        "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: raycluster-sample\n"
            + "  namespace: default\n"
            + metadataExtra
            + "spec:\n"
            + specExtra
            + UpstreamSpecs.head("")
            + UpstreamSpecs.worker("");
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }

  private static GenericKubernetesResource cluster(KubernetesClient client) {
    return client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withName("raycluster-sample")
        .get();
  }

  private static void delete(KubernetesClient client) {
    client
        .genericKubernetesResources(ResourceDefinitions.RAY_CLUSTERS)
        .inNamespace("default")
        .withName("raycluster-sample")
        .delete();
  }

  private static void awaitFinalizerAndHead(KubernetesClient client) {
    Awaitility.await("RayCluster default/raycluster-sample with " + RedisCleanup.FINALIZER)
        .atMost(WAIT)
        .until(
            () -> {
              GenericKubernetesResource c = cluster(client);
              return c != null
                  && c.getMetadata().getFinalizers() != null
                  && c.getMetadata().getFinalizers().contains(RedisCleanup.FINALIZER);
            });
    Awaitility.await("head pod of raycluster-sample after the finalizer")
        .atMost(WAIT)
        .until(() -> !pods(client, "head").isEmpty());
  }

  private static Job awaitJob(KubernetesClient client) {
    return Awaitility.await("Job default/" + JOB)
        .atMost(WAIT)
        .until(
            () -> client.batch().v1().jobs().inNamespace("default").withName(JOB).get(),
            j -> j != null);
  }

  private static void awaitGone(KubernetesClient client) {
    Awaitility.await("RayCluster default/raycluster-sample gone")
        .atMost(WAIT)
        .until(() -> cluster(client) == null);
  }

  private static void finishJob(KubernetesClient client, String type) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace("default")
        .withName(JOB)
        .editStatus(
            j -> {
              JobCondition c = new JobConditionBuilder().withType(type).withStatus("True").build();
              JobStatus s = j.getStatus() == null ? new JobStatus() : j.getStatus();
              s.setConditions(List.of(c));
              j.setStatus(s);
              return j;
            });
  }

  private static List<Pod> pods(KubernetesClient client, String nodeType) {
    return client
        .pods()
        .inNamespace("default")
        .withLabel("ray.io/node-type", nodeType)
        .list()
        .getItems();
  }

  private static List<Event> events(KubernetesClient client, String reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
