package io.kuberay.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * KubeRay v1.5.0's own sample manifests applied for real with kubectl to the emulated backend and
 * followed to the end state a real cluster reaches — or to the clear message that says why not —
 * then deleted, their pods gone, before the next. One sample per feature: a RayJob in K8sJobMode
 * (submitter Job, ConfigMap volume, runtime_env pip), a RayCluster with the in-tree autoscaler, a
 * RayService, a cluster that asks for GPUs, a GCS fault-tolerant cluster whose Redis is a
 * Deployment, and a TLS cluster (its own init containers, a Secret of wrapped base64). The samples
 * come from {@code tools/fetch-kuberay-samples.sh}'s cache; without them the test is aborted and
 * says why, unless KUBERAY_SAMPLES_REQUIRED=true makes that a failure. docs/PARITY.md, "KubeRay's
 * samples run on the emulated backend", has the sweep of every sample.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeRaySamplesIT {

  private static final String VERSION = "v1.5.0";
  private static final String TAG = "[KubeRaySamplesIT] ";

  @TempDir static Path dir;
  private static Path samples;
  private static KubeRayEnvironment env;
  private static Clients clients;
  private static Path applied;

  @BeforeAll
  static void up() throws IOException {
    samples = KubectlValidationIT.fetchedSamples().resolve(VERSION);
    if (!Files.isRegularFile(samples.resolve("ray-job.sample.yaml"))) {
      String reason =
          "KubeRay "
              + VERSION
              + "'s samples are not in "
              + samples
              + "; run tools/fetch-kuberay-samples.sh "
              + VERSION;
      assertThat(System.getenv("KUBERAY_SAMPLES_REQUIRED"))
          .as(reason + " (KUBERAY_SAMPLES_REQUIRED=true)")
          .isNotEqualTo("true");
      System.out.println(TAG + "ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    RayRuntime ray = RayRuntime.resolve();
    if (!ray.isAvailable()) {
      String reason = "Ray is not available: " + ray.unavailableReason().orElse("unknown reason");
      System.out.println(TAG + "ABORTED: " + reason);
      Assumptions.abort(reason);
    }
    KubeRayEnvironments.closeAll();
    env =
        KubeRayEnvironment.builder()
            .backend(BackendType.EMULATED)
            .kuberayVersion(VERSION)
            .installMethod(InstallMethod.KUSTOMIZE)
            .rayMode(RayMode.REQUIRED)
            .startExactly();
    clients = Clients.require("KubeRaySamplesIT", env.kubeconfig(), dir);
    // kubectl's first apply downloads the OpenAPI documents with a 10 s TLS handshake limit; on a
    // loaded machine the first handshake can take longer, so the server is warmed up first.
    await(
        "the emulated API server",
        "serving /openapi/v2 to kubectl",
        Duration.ofMinutes(2),
        () -> String.valueOf(clients.kubectl("get", "--raw", "/openapi/v2").exitCode()),
        "0"::equals);
  }

  @AfterAll
  static void down() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName(
      "ray-job.sample.yaml: the submitter Job runs the ConfigMap's script, the RayJob ends Complete/SUCCEEDED; delete takes it and its cluster")
  void rayJobSample() {
    Path sample = apply("ray-job.sample.yaml");
    String status =
        await(
            "rayjob/rayjob-sample",
            "jobDeploymentStatus Complete or Failed",
            // 96 s on a quiet machine; 5 min were not enough once at load 40 (pip runtime env).
            Duration.ofMinutes(8),
            () ->
                kubectl(
                    "get",
                    "rayjob",
                    "rayjob-sample",
                    "-o",
                    "jsonpath={.status.jobDeploymentStatus}/{.status.jobStatus}/{.status.message}"),
            s -> s.startsWith("Complete/") || s.startsWith("Failed/"));
    assertThat(status).startsWith("Complete/SUCCEEDED/");
    assertThat(kubectl("get", "job", "rayjob-sample", "-o", "jsonpath={.status.succeeded}"))
        .isEqualTo("1");
    // KubeRay's docs read a RayJob's output from its submitter's log; kubectl finds the pod through
    // the selector the API server generated for the Job.
    assertThat(kubectl("logs", "job/rayjob-sample"))
        .as("the sample script's output in the submitter's log, between ray job submit's lines")
        .contains("submitted successfully")
        .contains("test_counter got 5")
        .containsPattern("Job 'rayjob-sample-[a-z0-9]+' succeeded");
    deleteAndAwaitGone(sample);
  }

  @Test
  @Order(2)
  @DisplayName(
      "ray-cluster.autoscaler.yaml: head with the autoscaler sidecar and its RBAC, state ready; delete takes the RBAC objects too")
  void autoscalerSample() {
    Path sample = apply("ray-cluster.autoscaler.yaml");
    await(
        "raycluster/raycluster-autoscaler",
        "state ready",
        Duration.ofMinutes(3),
        () -> kubectl("get", "raycluster", "raycluster-autoscaler", "-o", "jsonpath={.status}"),
        s -> s.contains("\"state\":\"ready\""));
    assertThat(
            kubectl(
                "get",
                "pods",
                "-l",
                "ray.io/cluster=raycluster-autoscaler,ray.io/node-type=head",
                "-o",
                "jsonpath={.items[0].spec.containers[*].name}"))
        .isEqualTo("ray-head autoscaler");
    assertThat(kubectl("get", "serviceaccount,role,rolebinding", "-o", "name"))
        .contains("serviceaccount/raycluster-autoscaler")
        .contains("role.rbac.authorization.k8s.io/raycluster-autoscaler")
        .contains("rolebinding.rbac.authorization.k8s.io/raycluster-autoscaler");
    deleteAndAwaitGone(sample);
    await(
        "the autoscaler's ServiceAccount, Role and RoleBinding",
        "collected with their RayCluster",
        Duration.ofSeconds(30),
        () -> kubectl("get", "serviceaccount,role,rolebinding", "-o", "name"),
        s -> !s.contains("raycluster-autoscaler"));
  }

  @Test
  @Order(3)
  @DisplayName(
      "ray-service.sample.yaml: Running where its runtime_env can be downloaded, else not Ready with the application's DEPLOY_FAILED message naming the runtime env")
  void rayServiceSample() {
    Path sample = apply("ray-service.sample.yaml");
    String status =
        await(
            "rayservice/rayservice-sample",
            "Ready, or an application DEPLOY_FAILED",
            Duration.ofMinutes(5),
            () -> kubectl("get", "rayservice", "rayservice-sample", "-o", "jsonpath={.status}"),
            s -> s.contains("\"serviceStatus\":\"Running\"") || s.contains("DEPLOY_FAILED"));
    if (!status.contains("\"serviceStatus\":\"Running\"")) {
      // This machine cannot download the sample's working_dir (a GitHub archive): the same
      // answer a real cluster without that network gives, never a green status.
      assertThat(status)
          .contains("Runtime env setup for app")
          .contains("\"reason\":\"Initializing\",\"status\":\"False\",\"type\":\"Ready\"");
    }
    deleteAndAwaitGone(sample);
  }

  @Test
  @Order(4)
  @DisplayName(
      "ray-job.batch-inference.yaml (GPU nodes): the head stays Pending with kube-scheduler's FailedScheduling for its GPU node selector")
  void gpuSample() {
    Path sample = apply("ray-job.batch-inference.yaml");
    String events =
        await(
            "the events of the batch-inference RayJob's pods",
            "a FailedScheduling warning",
            Duration.ofMinutes(2),
            () ->
                kubectl(
                    "get",
                    "events",
                    "--field-selector",
                    "reason=FailedScheduling",
                    "-o",
                    "jsonpath={.items[*].message}"),
            s -> !s.isBlank());
    // Its pods select cloud.google.com/gke-accelerator: nvidia-tesla-t4 and ask for nvidia.com/gpu;
    // kube-scheduler reports the first filter that fails, node affinity.
    assertThat(events)
        .contains("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.");
    assertThat(
            kubectl(
                "get", "rayjob", "rayjob-sample", "-o", "jsonpath={.status.jobDeploymentStatus}"))
        .isEqualTo("Initializing");
    deleteAndAwaitGone(sample);
  }

  @Test
  @Order(5)
  @DisplayName(
      "ray-cluster.external-redis.yaml: its Redis Deployment runs (1/1, a redis-server), the RayCluster is ready and its GCS keeps its tables in that Redis")
  void externalRedisSample() {
    Path sample = apply("ray-cluster.external-redis.yaml");
    await(
        "deployment/redis",
        "1/1 available",
        Duration.ofMinutes(1),
        () -> kubectl("get", "deployment", "redis", "-o", "jsonpath={.status.availableReplicas}"),
        "1"::equals);
    await(
        "raycluster/raycluster-external-redis",
        "state ready",
        Duration.ofMinutes(5),
        () -> kubectl("get", "raycluster", "raycluster-external-redis", "-o", "jsonpath={.status}"),
        s -> s.contains("\"state\":\"ready\""));
    assertThat(kubectl("get", "deploy,rs,pods", "-l", "app=redis"))
        .as("kubectl's columns for the Deployment, its ReplicaSet and pod")
        .containsPattern("deployment.apps/redis\\s+1/1\\s+1\\s+1\\s")
        .containsPattern("replicaset.apps/redis-[a-z0-9]+\\s+1\\s+1\\s+1\\s")
        .containsPattern("pod/redis-[a-z0-9]+-[a-z0-9]{5}\\s+1/1\\s+Running");
    assertThat(clients.kubectl("rollout", "status", "deployment/redis", "--timeout=30s").stdout())
        .contains("successfully rolled out");
    // The head's GCS writes its tables to the sample's Redis (password from the sample's Secret).
    String keys =
        await(
            "the keys of the sample's Redis",
            "the GCS's tables",
            Duration.ofMinutes(1),
            () ->
                kubectl(
                    "exec",
                    "deploy/redis",
                    "--",
                    "redis-cli",
                    "-a",
                    "5241590000000000",
                    "--no-auth-warning",
                    "DBSIZE"),
            s -> s.matches("\\d+") && Integer.parseInt(s) > 0);
    System.out.println(TAG + "external-redis: " + keys + " keys in the sample's Redis");
    // The RayCluster first: its GCS FT finalizer runs the Redis cleanup Job against the sample's
    // Redis, which `kubectl delete -f` would delete in the same breath (the cluster then stays
    // Terminating while the Job fails to connect, as it would on a real cluster).
    Clients.Result cluster =
        clients.kubectl(
            "delete", "raycluster", "raycluster-external-redis", "--wait", "--timeout=120s");
    assertThat(cluster.exitCode()).as("kubectl delete raycluster\n" + cluster).isZero();
    deleteAndAwaitGone(sample);
    await(
        "the sample's Redis Deployment",
        "collected with its ReplicaSet and pod",
        Duration.ofSeconds(30),
        () -> kubectl("get", "deploy,rs,pods", "-l", "app=redis", "-o", "name"),
        String::isBlank);
  }

  @Test
  @Order(6)
  @DisplayName(
      "ray-cluster.tls.yaml: its openssl init containers make each pod's certificate from the wrapped base64 CA Secret, state ready, and Ray in the head answers over TLS")
  void tlsSample() {
    Path sample = apply("ray-cluster.tls.yaml");
    await(
        "raycluster/raycluster-tls",
        "state ready",
        Duration.ofMinutes(4),
        () -> kubectl("get", "raycluster", "raycluster-tls", "-o", "jsonpath={.status}"),
        s -> s.contains("\"state\":\"ready\""));
    String head =
        kubectl(
            "get",
            "pods",
            "-l",
            "ray.io/cluster=raycluster-tls,ray.io/node-type=head",
            "-o",
            "jsonpath={.items[0].metadata.name}");
    // RAY_USE_TLS=1 and the certificate paths are the container's env: ray.init() connects to the
    // GCS over TLS with the certificate the init container made.
    assertThat(
            kubectl(
                "exec",
                head,
                "-c",
                "ray-head",
                "--",
                "sh",
                "-c",
                "ls /etc/ray/tls && python -c \"import ray; ray.init();"
                    + " print('CPU', ray.cluster_resources()['CPU'])\""))
        .contains("tls.crt")
        .contains("tls.key")
        .contains("CPU 2.0");
    deleteAndAwaitGone(sample);
  }

  /** A sample a failed test left behind goes before the next test starts. */
  @AfterEach
  void cleanUp() {
    if (applied != null) {
      clients.kubectl("delete", "-f", applied.toString(), "--wait", "--timeout=60s");
      applied = null;
    }
  }

  private static Path apply(String name) {
    Path sample = samples.resolve(name);
    applied = sample;
    Clients.Result applied = clients.kubectl("apply", "-f", sample.toString());
    assertThat(applied.exitCode()).as(name + "\n" + applied).isZero();
    System.out.println(TAG + "applied " + name + " at " + Instant.now());
    return sample;
  }

  /** {@code kubectl delete -f} finishes, and no pod of the sample is left. */
  private static void deleteAndAwaitGone(Path sample) {
    applied = null;
    Clients.Result deleted =
        clients.kubectl(
            "delete", "-f", sample.toString(), "--ignore-not-found", "--wait", "--timeout=60s");
    assertThat(deleted.exitCode()).as("kubectl delete -f " + sample + "\n" + deleted).isZero();
    await(
        "the pods of " + sample.getFileName(),
        "gone",
        Duration.ofMinutes(1),
        () ->
            kubectl(
                "get", "pods", "-l", "app.kubernetes.io/created-by=kuberay-operator", "-o", "name"),
        String::isBlank);
    await(
        "Ray objects and Jobs of " + sample.getFileName(),
        "none left",
        Duration.ofSeconds(30),
        () -> kubectl("get", "rayclusters,rayjobs,rayservices,jobs", "-o", "name"),
        String::isBlank);
  }

  private static String kubectl(String... args) {
    Clients.Result r = clients.kubectl(args);
    assertThat(r.exitCode()).as("kubectl " + String.join(" ", args) + "\n" + r).isZero();
    return r.stdout().strip();
  }

  /**
   * Polls every 2 s until the condition holds; on timeout fails naming the object, the expectation,
   * the last value seen and the namespace's events.
   */
  private static String await(
      String object,
      String expectation,
      Duration timeout,
      Supplier<String> poll,
      Predicate<String> done) {
    AtomicReference<String> last = new AtomicReference<>("");
    try {
      Awaitility.await(object)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                last.set(poll.get());
                return done.test(last.get());
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          object
              + ": expected "
              + expectation
              + " within "
              + timeout
              + "; last seen: "
              + last.get()
              + "\nevents:\n"
              + clients.kubectl("get", "events", "--sort-by=.lastTimestamp").stdout(),
          e);
    }
    return last.get();
  }
}
