package io.kuberay.harness.emulated.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Redis cleanup Job against KubeRay's {@code buildRedisCleanupJob} of each release and the
 * checks of {@code Test_RedisCleanup} (v1.1.0 {@code raycluster_controller_fake_test.go}, v1.5.0
 * and v1.7.0 {@code raycluster_controller_unit_test.go}): built from the head pod, one container,
 * the cleanup command, {@code backoffLimit 0}, {@code activeDeadlineSeconds 300}.
 */
class RedisCleanupJobUpstreamTest {

  private static final String FT_OPTIONS =
      "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n    redisPassword:\n"
          + "      valueFrom:\n        secretKeyRef: {name: redis-password-secret, key: password}\n";

  private static final String V15_SCRIPT =
      "echo \"To get more information about manually deleting the storage namespace in Redis and"
          + " removing the RayCluster's finalizer, please check"
          + " https://docs.ray.io/en/master/cluster/kubernetes/user-guides/kuberay-gcs-ft.html for"
          + " more details.\" && python -c \"from ray._private.gcs_utils import"
          + " cleanup_redis_storage; from urllib.parse import urlparse; import os; import sys;"
          + " redis_address = os.getenv('RAY_REDIS_ADDRESS', '').split(',')[0]; redis_address ="
          + " redis_address if '://' in redis_address else 'redis://' + redis_address; parsed ="
          + " urlparse(redis_address); sys.exit(1) if not cleanup_redis_storage(host=parsed.hostname,"
          + " port=parsed.port, password=os.getenv('REDIS_PASSWORD', parsed.password or ''),"
          + " use_ssl=parsed.scheme=='rediss',"
          + " storage_namespace=os.getenv('RAY_external_storage_namespace')) else None\"";

  private static final String V11_SCRIPT =
      "echo \"To get more information about manually delete the storage namespace in Redis and"
          + " remove the RayCluster's finalizer, please check"
          + " https://docs.ray.io/en/master/cluster/kubernetes/user-guides/kuberay-gcs-ft.html for"
          + " more details.\" && python -c \"from ray._private.gcs_utils import"
          + " cleanup_redis_storage; from urllib.parse import urlparse; import os; import sys;"
          + " redis_address = os.getenv('RAY_REDIS_ADDRESS', '').split(',')[0]; redis_address ="
          + " redis_address if '://' in redis_address else 'redis://' + redis_address; parsed ="
          + " urlparse(redis_address); sys.exit(1) if not cleanup_redis_storage(host=parsed.hostname,"
          + " port=parsed.port, password=os.getenv('REDIS_PASSWORD', parsed.password),"
          + " use_ssl=parsed.scheme=='rediss',"
          + " storage_namespace=os.getenv('RAY_external_storage_namespace')) else None\"";

  private static Job build(String version, RayClusterView cluster) {
    OperatorFlavor flavor = UpstreamSpecs.flavor(version);
    Pod head = new PodFactory(flavor).headPod(cluster, HeadServiceFactory.name(cluster, flavor));
    return RedisCleanupJob.build(flavor, cluster, head);
  }

  private static RayClusterView withOptions(String headExtra) {
    return UpstreamSpecs.cluster(
        FT_OPTIONS + UpstreamSpecs.head(headExtra) + UpstreamSpecs.worker(""));
  }

  @Test
  @DisplayName("v1.5.0: the head pod with one container running the cleanup, as Go builds it")
  void v150JobIsTheHeadPodRunningTheCleanup() {
    RayClusterView cluster = withOptions("");
    OperatorFlavor flavor = UpstreamSpecs.flavor("v1.5.0");
    Pod head = new PodFactory(flavor).headPod(cluster, HeadServiceFactory.name(cluster, flavor));
    Job job = RedisCleanupJob.build(flavor, cluster, head);

    assertThat(job.getMetadata().getName()).isEqualTo("raycluster-sample-redis-cleanup");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("ray.io/cluster", "raycluster-sample")
        .containsEntry("ray.io/node-type", "redis-cleanup")
        .containsEntry("ray.io/group", "headgroup")
        .containsEntry("ray.io/is-ray-node", "yes");
    assertThat(job.getMetadata().getAnnotations())
        .isEqualTo(head.getMetadata().getAnnotations())
        .containsEntry("ray.io/ft-enabled", "true")
        .containsEntry("ray.io/external-storage-namespace", UpstreamSpecs.UID);
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("RayCluster");
              assertThat(o.getUid()).isEqualTo(UpstreamSpecs.UID);
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isNull();
    // The template's metadata is the head pod's, relabelled (Go shares the labels map).
    assertThat(job.getSpec().getTemplate().getMetadata().getGenerateName())
        .isEqualTo(head.getMetadata().getGenerateName());
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);

    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    Container headRay = head.getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo(headRay.getName());
    assertThat(c.getImage()).isEqualTo("rayproject/ray:2.52.0");
    assertThat(c.getCommand()).containsExactly("/bin/bash", "-c", "--");
    assertThat(c.getArgs()).containsExactly(V15_SCRIPT);
    assertThat(c.getLivenessProbe()).isNull();
    assertThat(c.getReadinessProbe()).isNull();
    assertThat(c.getResources().getLimits())
        .isEqualTo(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("256Mi")));
    assertThat(c.getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("256Mi")));
    // The head's env, then the two retry settings.
    List<String> names = c.getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, names.size() - 2))
        .isEqualTo(headRay.getEnv().stream().map(EnvVar::getName).toList());
    assertThat(c.getEnv().subList(names.size() - 2, names.size()))
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("RAY_redis_db_connect_retries", "120"),
            tuple("RAY_redis_db_connect_wait_milliseconds", "500"));
    assertThat(names)
        .contains("RAY_REDIS_ADDRESS", "REDIS_PASSWORD", "RAY_external_storage_namespace");
  }

  @Test
  @DisplayName("v1.5.0+: with a Redis username the script passes REDIS_USERNAME")
  void usernameIsPassedWhenTheContainerHasIt() {
    RayClusterView cluster =
        UpstreamSpecs.cluster(
            "  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n"
                + "    redisUsername: {value: default}\n    redisPassword: {value: pw}\n"
                + UpstreamSpecs.head("")
                + UpstreamSpecs.worker(""));
    for (String version : List.of("v1.5.0", "v1.7.0")) {
      Container c =
          build(version, cluster).getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getArgs().get(0))
          .as(version)
          .contains(
              "cleanup_redis_storage(host=parsed.hostname, port=parsed.port,"
                  + " username=os.getenv('REDIS_USERNAME', parsed.username),"
                  + " password=os.getenv('REDIS_PASSWORD', parsed.password or ''),");
    }
  }

  @Test
  @DisplayName("v1.1.0: a login shell, its own script wording and the password without a default")
  void v110CommandAndScript() {
    RayClusterView cluster =
        UpstreamSpecs.cluster(
            "  annotations:\n    ray.io/ft-enabled: 'true'\n",
            UpstreamSpecs.head("") + UpstreamSpecs.worker(""));
    Job job = build("v1.1.0", cluster);
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand()).containsExactly("/bin/bash", "-lc", "--");
    assertThat(c.getArgs()).containsExactly(V11_SCRIPT);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
    assertThat(job.getMetadata().getLabels()).containsEntry("ray.io/node-type", "redis-cleanup");
  }

  @Test
  @DisplayName("v1.7.0: the same command as v1.5.0 (ENABLE_LOGIN_SHELL unset)")
  void v170Command() {
    Container c =
        build("v1.7.0", withOptions("")).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand()).containsExactly("/bin/bash", "-c", "--");
    assertThat(c.getArgs()).containsExactly(V15_SCRIPT);
  }

  @Test
  @DisplayName("an autoscaling head keeps only its Ray container")
  void onlyTheRayContainer() {
    RayClusterView cluster =
        UpstreamSpecs.cluster(
            FT_OPTIONS
                + "  enableInTreeAutoscaling: true\n"
                + UpstreamSpecs.head("")
                + UpstreamSpecs.worker(""));
    Job job = build("v1.5.0", cluster);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("ray-head");
  }

  @Test
  @DisplayName("TrimJobName from v1.2.0: the last 63 characters, a leading '-' made 'r'")
  void longNamesAreTrimmed() {
    String cluster = "a".repeat(40) + "-" + "b".repeat(10);
    String full = cluster + "-redis-cleanup";
    assertThat(RedisCleanupJob.name(UpstreamSpecs.flavor("v1.1.0"), cluster)).isEqualTo(full);
    String trimmed = RedisCleanupJob.name(UpstreamSpecs.flavor("v1.5.0"), cluster);
    assertThat(trimmed).hasSize(63).isEqualTo(full.substring(full.length() - 63));
    assertThat(RedisCleanupJob.checkLabel("-abc")).isEqualTo("rabc");
    assertThat(RedisCleanupJob.checkLabel("x".repeat(10) + "-" + "y".repeat(62)))
        .isEqualTo("r" + "y".repeat(62));
  }
}
