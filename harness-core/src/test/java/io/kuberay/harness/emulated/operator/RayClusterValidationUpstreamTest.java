package io.kuberay.harness.emulated.operator;

import static io.kuberay.harness.emulated.operator.UpstreamSpecs.cluster;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.flavor;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.head;
import static io.kuberay.harness.emulated.operator.UpstreamSpecs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases of KubeRay's {@code utils/validation_test.go} (v1.5.0, v1.7.0) for {@code
 * ValidateRayClusterSpec}: same input, same error text. v1.1.0 has no such validation; its cases
 * are the absence of any error.
 */
class RayClusterValidationUpstreamTest {

  private static Optional<String> error(String version, String annotations, String spec) {
    RayClusterView c = cluster(annotations, spec);
    return RayClusterValidation.specError(flavor(version), c.spec(), c.annotations());
  }

  private static Optional<String> error(String version, String spec) {
    return error(version, "", spec);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void resourcesInBothRayStartParamsAndGroupResourcesAreRefused(String v) {
    assertThat(
            error(
                v,
                head(
                        "    rayStartParams:\n      num-cpus: \"1\"\n    resources:\n      CPU: \"1\"\n")
                    + worker("")))
        .contains(
            "resource fields should not be set in both rayStartParams and Resources for Head group; please use only one");
    assertThat(
            error(
                v,
                head("")
                    + worker(
                        "    rayStartParams:\n      num-gpus: \"1\"\n    resources:\n      GPU: \"1\"\n")))
        .contains(
            "resource fields should not be set in both rayStartParams and Resources for worker-group group; please use only one");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void resourcesInRayStartParamsWithContainerRequestsAreValid(String v) {
    // The known defect: the check compares with the group's resources field, not the container's
    // requests/limits.
    String headWithLimits =
        "  headGroupSpec:\n    rayStartParams:\n      num-cpus: \"0\"\n      memory: \"4G\"\n      resources: '{\"TPU\": \"8\"}'\n"
            + "    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
            + "          resources:\n            limits:\n              cpu: \"1\"\n              memory: 2G\n            requests:\n              cpu: \"1\"\n";
    assertThat(error(v, headWithLimits + worker(""))).isEmpty();
    assertThat(
            error(
                v,
                head("")
                    + worker(
                        "    resources:\n      CPU: \"2\"\n      memory: 4G\n      TPU: \"8\"\n")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void gcsFaultToleranceOptions(String v) {
    String options = "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n";
    String both =
        "ray.io/ft-enabled annotation and GcsFaultToleranceOptions are both set. Please use only GcsFaultToleranceOptions to configure GCS fault tolerance";
    assertThat(
            error(
                v,
                "  annotations:\n    ray.io/ft-enabled: \"false\"\n",
                options + head("") + worker("")))
        .contains(both);
    assertThat(
            error(
                v,
                "  annotations:\n    ray.io/ft-enabled: \"true\"\n",
                options + head("") + worker("")))
        .contains(both);
    assertThat(error(v, options + head("") + worker(""))).isEmpty();
    assertThat(error(v, head("") + worker(""))).isEmpty();
    String redisEnvHead =
        "  headGroupSpec:\n    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
            + "          env:\n          - name: RAY_REDIS_ADDRESS\n            value: redis:6379\n";
    String implicit =
        "RAY_REDIS_ADDRESS is set which implicitly enables GCS fault tolerance, but GcsFaultToleranceOptions is not set. "
            + "Please set GcsFaultToleranceOptions to enable GCS fault tolerance";
    assertThat(
            error(
                v, "  annotations:\n    ray.io/ft-enabled: \"false\"\n", redisEnvHead + worker("")))
        .contains(implicit);
    assertThat(error(v, redisEnvHead + worker(""))).contains(implicit);
    assertThat(
            error(
                v, "  annotations:\n    ray.io/ft-enabled: \"true\"\n", redisEnvHead + worker("")))
        .isEmpty();
    assertThat(error(v, options + redisEnvHead + worker("")))
        .contains(
            "cannot set `RAY_REDIS_ADDRESS` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisAddress instead");
    assertThat(
            error(
                v,
                "  annotations:\n    ray.io/external-storage-namespace: myns\n",
                options + head("") + worker("")))
        .contains(
            "cannot set `ray.io/external-storage-namespace` annotation when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.ExternalStorageNamespace instead");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void redisPasswordAndUsername(String v) {
    String options = "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n";
    assertThat(
            error(
                v,
                options + head("    rayStartParams:\n      redis-password: hello\n") + worker("")))
        .contains(
            "cannot set `redis-password` in rayStartParams when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead");
    assertThat(error(v, head("    rayStartParams:\n      redis-password: hello\n") + worker("")))
        .isEmpty();
    assertThat(error(v, head("    rayStartParams:\n      redis-username: hello\n") + worker("")))
        .contains(
            "cannot set redis username in rayStartParams or environment variables - use GcsFaultToleranceOptions.RedisUsername instead");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void emptyContainers(String v) {
    String noHeadContainer =
        "  headGroupSpec:\n    template:\n      spec:\n        containers: []\n";
    assertThat(error(v, noHeadContainer + worker("")))
        .contains("headGroupSpec should have at least one container");
    String noWorkerContainer =
        "  workerGroupSpecs:\n  - groupName: worker-group\n    minReplicas: 0\n    maxReplicas: 5\n    template:\n      spec:\n        containers: []\n";
    assertThat(error(v, head("") + noWorkerContainer))
        .contains("workerGroupSpec should have at least one container");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void suspendingWorkerGroup(String v) {
    Optional<String> e = error(v, head("") + worker("    suspend: true\n"));
    if (v.equals("v1.5.0")) {
      assertThat(e)
          .contains(
              "worker group worker-group can be suspended only when the RayJobDeletionPolicy feature gate is enabled");
    } else {
      assertThat(e).isEmpty();
    }
    assertThat(
            error(
                v, "  enableInTreeAutoscaling: true\n" + head("") + worker("    suspend: true\n")))
        .contains(
            v.equals("v1.5.0")
                ? "worker group worker-group can be suspended only when the RayJobDeletionPolicy feature gate is enabled"
                : "worker group worker-group cannot be suspended with Autoscaler enabled");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void autoscalerV2(String v) {
    String v2Head =
        "  headGroupSpec:\n    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
            + "          env:\n          - name: RAY_enable_autoscaler_v2\n            value: \"1\"\n";
    assertThat(error(v, v2Head + worker("")))
        .contains(
            "environment variable RAY_enable_autoscaler_v2 cannot be set to '1' when enableInTreeAutoscaling is false. Please set enableInTreeAutoscaling: true to use autoscaler v2");
    assertThat(
            error(
                v,
                "  enableInTreeAutoscaling: true\n  autoscalerOptions:\n    version: v2\n"
                    + v2Head
                    + worker("")))
        .contains(
            "both .spec.autoscalerOptions.version and head Pod env var RAY_enable_autoscaler_v2 are set, please only use the former");
    String restartAlways =
        "  headGroupSpec:\n    template:\n      spec:\n        restartPolicy: Always\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n";
    assertThat(
            error(
                v,
                "  enableInTreeAutoscaling: true\n  autoscalerOptions:\n    version: v2\n"
                    + restartAlways
                    + worker("")))
        .contains("restartPolicy for head Pod should be Never or unset when using autoscaler V2");
    assertThat(
            error(
                v,
                "  enableInTreeAutoscaling: true\n  autoscalerOptions:\n    version: v2\n"
                    + head("")
                    + worker("")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void labels(String v) {
    assertThat(error(v, head("    rayStartParams:\n      labels: a=b\n") + worker("")))
        .contains(
            "rayStartParams['labels'] is not supported for Head group; please use the top-level Labels field instead");
    assertThat(error(v, head("") + worker("    labels:\n      ray.io/market-type: spot\n")))
        .isEmpty();
    assertThat(error(v, head("") + worker("    labels:\n      key: \"-bad\"\n")))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith(
                        "invalid label value for key 'key' in worker-group group: '-bad', error: a valid label must be"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.7.0"})
  void replicaBoundsFromV170(String v) {
    String noBounds =
        "  workerGroupSpecs:\n  - groupName: worker-group\n    replicas: 1\n    template:\n      spec:\n        containers:\n        - name: w\n          image: i\n";
    assertThat(error(v, head("") + noBounds))
        .contains(
            "worker group worker-group must set both minReplicas and maxReplicas when autoscaling is disabled");
    assertThat(error("v1.5.0", head("") + noBounds)).isEmpty();
    assertThat(error(v, "  enableInTreeAutoscaling: true\n" + head("") + noBounds)).isEmpty();
    String inverted =
        noBounds.replace(
            "    replicas: 1\n", "    replicas: 1\n    minReplicas: 3\n    maxReplicas: 2\n");
    assertThat(error(v, head("") + inverted))
        .contains("worker group worker-group has minReplicas 3 greater than maxReplicas 2");
    String negative =
        noBounds.replace(
            "    replicas: 1\n", "    replicas: 1\n    minReplicas: -1\n    maxReplicas: 2\n");
    assertThat(error(v, head("") + negative))
        .contains("worker group worker-group has negative minReplicas -1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.5.0", "v1.7.0"})
  void names(String v) {
    assertThat(RayClusterValidation.metadataError("a".repeat(54)))
        .contains("RayCluster name should be no more than 53 characters");
    assertThat(RayClusterValidation.metadataError("a".repeat(53))).isEmpty();
    assertThat(RayClusterValidation.metadataError("1abc"))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("RayCluster name should be a valid DNS1035 label"));
    // The event wraps the error with the cluster's id.
    assertThat(
            RayClusterValidation.check(
                flavor(v),
                cluster(
                    head(
                            "    rayStartParams:\n      num-cpus: \"1\"\n    resources:\n      CPU: \"1\"\n")
                        + worker(""))))
        .hasValueSatisfying(
            e ->
                assertThat(e)
                    .containsExactly(
                        "InvalidRayClusterSpec",
                        "The RayCluster spec is invalid default/raycluster-sample: resource fields should not be set in both rayStartParams and Resources for Head group; please use only one"));
  }

  @Test
  void v110HasNoSpecValidation() {
    String redisEnvHead =
        "  headGroupSpec:\n    rayStartParams:\n      num-cpus: \"1\"\n      redis-username: x\n    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n"
            + "          env:\n          - name: RAY_REDIS_ADDRESS\n            value: redis:6379\n";
    assertThat(RayClusterValidation.check(flavor("v1.1.0"), cluster(redisEnvHead + worker(""))))
        .isEmpty();
  }

  /** v1.7.0's ray-cluster.embedded-gcs-ft.yaml with the release's gates: refused, no pods. */
  @Test
  void rocksDbBackendNeedsItsAlphaGate() {
    String ft =
        "  gcsFaultToleranceOptions:\n    backend: rocksdb\n    storage:\n      size: 1Gi\n";
    assertThat(error("v1.7.0", ft + head("") + worker("")))
        .contains(
            "the embedded RocksDB GCS fault tolerance backend (GcsFaultToleranceOptions.Backend:"
                + " 'rocksdb') requires the GCSFaultToleranceEmbeddedStorage feature gate to be"
                + " enabled");
    assertThat(
            error(
                "v1.7.0",
                "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n"
                    + head("")
                    + worker("")))
        .isEmpty();
  }

  /**
   * v1.7.0's Alpha options with the release's gates (v1.7.0's ray-cluster.network-policy-deny-all,
   * historyserver and mtls samples): refused as v1.7.0 refuses them, where the emulator ran the
   * clusters without the feature.
   */
  @Test
  void v17AlphaOptionsNeedTheirGates() {
    String cluster = head("") + worker("");
    assertThat(error("v1.7.0", "  networkPolicy:\n    mode: DenyAll\n" + cluster))
        .contains(
            "spec.networkPolicy requires the RayClusterNetworkPolicy feature gate to be enabled");
    assertThat(error("v1.7.0", "  tlsOptions: {}\n" + cluster))
        .contains("spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled");
    assertThat(error("v1.7.0", "  historyServerOptions: {}\n" + cluster))
        .contains("RayClusterHistoryServer feature gate is not enabled");
    assertThat(error("v1.5.0", "  networkPolicy:\n    mode: DenyAll\n" + cluster)).isEmpty();
  }

  @Test
  void tokenAuthNeedsRay252() {
    String cluster = head("") + worker("");
    assertThat(error("v1.7.0", "  authOptions: {mode: token}\n" + cluster))
        .contains(
            "authOptions.mode is 'token' but RayVersion was not specified. Ray version 2.52.0 or"
                + " later is required");
    assertThat(error("v1.7.0", "  rayVersion: '2.46.0'\n  authOptions: {mode: token}\n" + cluster))
        .contains("authOptions.mode is 'token' but minimum Ray version is 2.52.0, got 2.46.0");
    assertThat(error("v1.7.0", "  rayVersion: '2.53.0'\n  authOptions: {mode: token}\n" + cluster))
        .isEmpty();
    assertThat(error("v1.7.0", "  authOptions: {enableK8sTokenAuth: true}\n" + cluster))
        .contains(
            "authOptions.enableK8sTokenAuth is enabled but authOptions.mode not set to 'token'");
  }
}
