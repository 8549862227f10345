package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job KubeRay's {@code buildRedisCleanupJob} makes when a GCS fault-tolerant RayCluster is
 * deleted: the head pod as {@code buildHeadPod} would build it now, relabelled {@code
 * ray.io/node-type=redis-cleanup}, with only its Ray container, whose command runs Ray's {@code
 * cleanup_redis_storage} for the cluster's storage namespace.
 */
final class RedisCleanupJob {

  static final String NODE_TYPE = "redis-cleanup";
  private static final String TLS_WAIT_INIT_CONTAINER = "wait-for-tls-ip-san";

  private RedisCleanupJob() {}

  /** {@code <cluster>-redis-cleanup}; from v1.2.0 through {@code TrimJobName} (CheckLabel). */
  static String name(OperatorFlavor flavor, String cluster) {
    String name = cluster + "-redis-cleanup";
    return flavor.trimsRedisCleanupJobName() ? checkLabel(name) : name;
  }

  /**
   * KubeRay's {@code CheckLabel}: the last 63 characters, and a leading punctuation character
   * replaced by {@code r}.
   */
  static String checkLabel(String s) {
    String out = s.length() > 63 ? s.substring(s.length() - 63) : s;
    if (!out.isEmpty() && isGoPunct(out.charAt(0))) {
      out = "r" + out.substring(1);
    }
    return out;
  }

  /** Go's {@code unicode.IsPunct} for ASCII: punctuation, not symbols such as {@code $+<=>^`|~}. */
  private static boolean isGoPunct(char c) {
    return "!\"#%&'()*,-./:;?@[\\]_{}".indexOf(c) >= 0;
  }

  /**
   * The Job for {@code cluster}, built from {@code head} ({@link PodFactory#headPod}), as the
   * release's operator builds it.
   */
  static Job build(OperatorFlavor flavor, RayClusterView cluster, Pod head) {
    Pod pod = Json.copy(head);
    ObjectMeta meta = pod.getMetadata();
    Map<String, String> labels =
        new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
    labels.put(Labels.NODE_TYPE, NODE_TYPE);
    meta.setLabels(labels);
    Container ray = pod.getSpec().getContainers().get(0);
    pod.getSpec().setContainers(new ArrayList<>(List.of(ray)));
    if (flavor.dropsTlsWaitFromRedisCleanup() && pod.getSpec().getInitContainers() != null) {
      pod.getSpec()
          .setInitContainers(
              new ArrayList<>(
                  pod.getSpec().getInitContainers().stream()
                      .filter(c -> !TLS_WAIT_INIT_CONTAINER.equals(c.getName()))
                      .toList()));
    }
    ray.setCommand(new ArrayList<>(List.of("/bin/bash", flavor.shellFlag(), "--")));
    ray.setArgs(new ArrayList<>(List.of(script(flavor, ray.getEnv()))));
    ray.setLivenessProbe(null);
    ray.setReadinessProbe(null);
    List<EnvVar> env = ray.getEnv() == null ? new ArrayList<>() : new ArrayList<>(ray.getEnv());
    env.add(new EnvVar("RAY_redis_db_connect_retries", "120", null));
    env.add(new EnvVar("RAY_redis_db_connect_wait_milliseconds", "500", null));
    ray.setEnv(env);
    ray.setResources(
        new ResourceRequirementsBuilder()
            .addToLimits("cpu", new Quantity("200m"))
            .addToLimits("memory", new Quantity("256Mi"))
            .addToRequests("cpu", new Quantity("200m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .build());
    pod.getSpec().setRestartPolicy("Never");
    PodTemplateSpec template = new PodTemplateSpec(meta, pod.getSpec());
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(flavor, cluster.name()))
        .withNamespace(cluster.namespace())
        .withLabels(new LinkedHashMap<>(labels))
        .withAnnotations(
            meta.getAnnotations() == null ? null : new LinkedHashMap<>(meta.getAnnotations()))
        .withOwnerReferences(PodFactory.owner(cluster))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withTemplate(template)
        .withActiveDeadlineSeconds(300L)
        .endSpec()
        .build();
  }

  /**
   * The container's script: v1.1.0 passes {@code REDIS_PASSWORD} (or the address's password) as is;
   * later releases default it to the empty string and pass {@code REDIS_USERNAME} when the
   * container has it.
   */
  static String script(OperatorFlavor flavor, List<EnvVar> env) {
    boolean modern = flavor.modernRedisCleanupScript();
    String prefix =
        "echo \"To get more information about "
            + (modern
                ? "manually deleting the storage namespace in Redis and removing"
                : "manually delete the storage namespace in Redis and remove")
            + " the RayCluster's finalizer, please check"
            + " https://docs.ray.io/en/master/cluster/kubernetes/user-guides/kuberay-gcs-ft.html"
            + " for more details.\" && "
            + "python -c "
            + "\"from ray._private.gcs_utils import cleanup_redis_storage; "
            + "from urllib.parse import urlparse; "
            + "import os; "
            + "import sys; "
            + "redis_address = os.getenv('RAY_REDIS_ADDRESS', '').split(',')[0]; "
            + "redis_address = redis_address if '://' in redis_address else 'redis://' +"
            + " redis_address; "
            + "parsed = urlparse(redis_address); ";
    boolean username =
        modern && env != null && env.stream().anyMatch(e -> "REDIS_USERNAME".equals(e.getName()));
    String call =
        "sys.exit(1) if not cleanup_redis_storage(host=parsed.hostname, port=parsed.port, "
            + (username ? "username=os.getenv('REDIS_USERNAME', parsed.username), " : "")
            + (modern
                ? "password=os.getenv('REDIS_PASSWORD', parsed.password or ''), "
                : "password=os.getenv('REDIS_PASSWORD', parsed.password), ")
            + "use_ssl=parsed.scheme=='rediss', "
            + "storage_namespace=os.getenv('RAY_external_storage_namespace')) else None\"";
    return prefix + call;
  }
}
