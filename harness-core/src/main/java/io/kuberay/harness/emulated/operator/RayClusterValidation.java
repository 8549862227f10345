package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Dns1035Label;
import io.kuberay.harness.emulated.support.Maps;
import io.kuberay.harness.ray.RayAuthToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operator checks before reconciling a RayCluster: v1.5.0's and v1.7.0's {@code
 * ValidateRayClusterMetadata} and {@code ValidateRayClusterSpec}, rule for rule and in their order,
 * and v1.1.0's crash on a template without containers. A violation becomes a Warning event; the
 * cluster gets no pods. Feature gates are taken at each release's defaults.
 */
public final class RayClusterValidation {

  static final int MAX_NAME_LENGTH = 53;
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final String AUTOSCALER_V2 = "RAY_enable_autoscaler_v2";
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

  private RayClusterValidation() {}

  /**
   * {@code [reason, message]} of the Warning event, or empty when the operator accepts the cluster.
   */
  public static Optional<String[]> check(OperatorFlavor flavor, RayClusterView cluster) {
    String id = cluster.namespace() + "/" + cluster.name();
    if (flavor.validatesClusters()) {
      Optional<String> metadata = metadataError(cluster.name());
      if (metadata.isPresent()) {
        return Optional.of(
            new String[] {
              "InvalidRayClusterMetadata",
              "The RayCluster metadata is invalid " + id + ": " + metadata.get()
            });
      }
      return specError(flavor, cluster.spec(), cluster.annotations())
          .map(
              why ->
                  new String[] {
                    "InvalidRayClusterSpec", "The RayCluster spec is invalid " + id + ": " + why
                  });
    }
    if (empty(cluster.headTemplate())) {
      // v1.1.0 has no validation; its reconcile fails on the missing container and retries.
      return Optional.of(
          new String[] {
            "PodReconciliationError",
            "RayCluster " + id + ": headGroupSpec should have at least one container"
          });
    }
    for (RayClusterView.WorkerGroup g : cluster.workerGroups()) {
      if (empty(g.template())) {
        return Optional.of(
            new String[] {
              "PodReconciliationError",
              "RayCluster " + id + ": workerGroupSpec should have at least one container"
            });
      }
    }
    return Optional.empty();
  }

  static Optional<String> metadataError(String name) {
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          "RayCluster name should be no more than " + MAX_NAME_LENGTH + " characters");
    }
    return Dns1035Label.errors(name)
        .map(errors -> "RayCluster name should be a valid DNS1035 label: " + errors);
  }

  /**
   * {@code ValidateRayClusterSpec}: the first rule the spec breaks, worded as the operator words
   * it.
   */
  static Optional<String> specError(
      OperatorFlavor flavor, Map<String, Object> spec, Map<String, String> annotations) {
    RayClusterView view = viewOf(spec);
    PodTemplateSpec headTemplate = view.headTemplate();
    if (empty(headTemplate)) {
      return Optional.of("headGroupSpec should have at least one container");
    }
    Map<String, String> headParams = view.headStartParams();
    Optional<String> e =
        groupResources("Head", headParams, view.headGroupResources())
            .or(() -> groupLabels("Head", headParams, view.headGroupLabels()));
    if (e.isPresent()) {
      return e;
    }
    boolean autoscaling = view.autoscaling();
    for (RayClusterView.WorkerGroup g : view.workerGroups()) {
      if (empty(g.template())) {
        return Optional.of("workerGroupSpec should have at least one container");
      }
      if (flavor.validatesReplicaBounds()) {
        Object min = g.raw().get("minReplicas");
        Object max = g.raw().get("maxReplicas");
        if (!autoscaling && (min == null || max == null)) {
          return Optional.of(
              "worker group "
                  + g.name()
                  + " must set both minReplicas and maxReplicas when autoscaling is disabled");
        }
        if (min != null && g.minReplicas() < 0) {
          return Optional.of(
              "worker group " + g.name() + " has negative minReplicas " + g.minReplicas());
        }
        if (max != null && g.maxReplicas() < 0) {
          return Optional.of(
              "worker group " + g.name() + " has negative maxReplicas " + g.maxReplicas());
        }
        if (min != null && max != null && g.minReplicas() > g.maxReplicas()) {
          return Optional.of(
              "worker group "
                  + g.name()
                  + " has minReplicas "
                  + g.minReplicas()
                  + " greater than maxReplicas "
                  + g.maxReplicas());
        }
      }
      e =
          groupResources(g.name(), g.rayStartParams(), g.groupResources())
              .or(() -> groupLabels(g.name(), g.rayStartParams(), g.groupLabels()));
      if (e.isPresent()) {
        return e;
      }
    }
    boolean hasOptions = view.gcsFaultToleranceOptions().isPresent();
    String ftAnnotation = annotations.getOrDefault("ray.io/ft-enabled", "");
    if (!ftAnnotation.isEmpty() && hasOptions) {
      return Optional.of(
          "ray.io/ft-enabled annotation and GcsFaultToleranceOptions are both set. "
              + "Please use only GcsFaultToleranceOptions to configure GCS fault tolerance");
    }
    Container head = headTemplate.getSpec().getContainers().get(0);
    boolean ftEnabled = "true".equalsIgnoreCase(ftAnnotation) || hasOptions;
    if (!ftEnabled && hasEnv(head, "RAY_REDIS_ADDRESS")) {
      return Optional.of(
          "RAY_REDIS_ADDRESS is set which implicitly enables GCS fault tolerance, "
              + "but GcsFaultToleranceOptions is not set. Please set GcsFaultToleranceOptions to enable GCS fault tolerance");
    }
    if (hasOptions) {
      if (!headParams.getOrDefault("redis-password", "").isEmpty()) {
        return Optional.of(
            "cannot set `redis-password` in rayStartParams when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead");
      }
      if (hasEnv(head, "REDIS_PASSWORD")) {
        return Optional.of(
            "cannot set `REDIS_PASSWORD` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead");
      }
      if (hasEnv(head, "RAY_REDIS_ADDRESS")) {
        return Optional.of(
            "cannot set `RAY_REDIS_ADDRESS` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisAddress instead");
      }
      if (!annotations.getOrDefault("ray.io/external-storage-namespace", "").isEmpty()) {
        return Optional.of(
            "cannot set `ray.io/external-storage-namespace` annotation when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.ExternalStorageNamespace instead");
      }
      // v1.7.0's validateGcsFaultToleranceBackend, first rule: the embedded RocksDB backend (not
      // emulated otherwise) is refused while its Alpha gate is off, its default.
      if ("rocksdb".equals(view.gcsFaultToleranceOptions().get().get("backend"))
          && !flavor.options().enabled("GCSFaultToleranceEmbeddedStorage")) {
        return Optional.of(
            "the embedded RocksDB GCS fault tolerance backend (GcsFaultToleranceOptions.Backend:"
                + " 'rocksdb') requires the GCSFaultToleranceEmbeddedStorage feature gate to be"
                + " enabled");
      }
    }
    if (!headParams.getOrDefault("redis-username", "").isEmpty()
        || hasEnv(head, "REDIS_USERNAME")) {
      return Optional.of(
          "cannot set redis username in rayStartParams or environment variables - use GcsFaultToleranceOptions.RedisUsername instead");
    }
    if (!flavor.rayJobDeletionPolicyGate()) {
      for (RayClusterView.WorkerGroup g : view.workerGroups()) {
        if (g.suspended()) {
          return Optional.of(
              "worker group "
                  + g.name()
                  + " can be suspended only when the RayJobDeletionPolicy feature gate is enabled");
        }
      }
    }
    Optional<EnvVar> v2 = env(head, AUTOSCALER_V2);
    if (!autoscaling
        && v2.isPresent()
        && ("1".equals(v2.get().getValue()) || "true".equals(v2.get().getValue()))) {
      return Optional.of(
          "environment variable "
              + AUTOSCALER_V2
              + " cannot be set to '"
              + v2.get().getValue()
              + "' when enableInTreeAutoscaling is false. Please set enableInTreeAutoscaling: true to use autoscaler v2");
    }
    if (autoscaling) {
      for (RayClusterView.WorkerGroup g : view.workerGroups()) {
        if (g.suspended()) {
          return Optional.of(
              "worker group " + g.name() + " cannot be suspended with Autoscaler enabled");
        }
      }
      Object version = Maps.get(spec, "autoscalerOptions", "version");
      if (version != null && v2.isPresent()) {
        return Optional.of(
            "both .spec.autoscalerOptions.version and head Pod env var "
                + AUTOSCALER_V2
                + " are set, please only use the former");
      }
      boolean autoscalerV2 =
          "v2".equals(version)
              || (v2.isPresent()
                  && ("1".equals(v2.get().getValue()) || "true".equals(v2.get().getValue())));
      if (autoscalerV2) {
        if (!neverOrUnset(headTemplate)) {
          return Optional.of(
              "restartPolicy for head Pod should be Never or unset when using autoscaler V2");
        }
        for (RayClusterView.WorkerGroup g : view.workerGroups()) {
          if (!neverOrUnset(g.template())) {
            return Optional.of(
                "restartPolicy for worker group "
                    + g.name()
                    + " should be Never or unset when using autoscaler V2");
          }
        }
      }
    }
    if (flavor.validatesReplicaBounds()) {
      Object idle = Maps.get(spec, "autoscalerOptions", "idleTimeoutSeconds");
      if (idle instanceof Number n && n.longValue() < 0) {
        return Optional.of(
            "autoscalerOptions.idleTimeoutSeconds must be non-negative, got " + n.longValue());
      }
    }
    if (flavor.version().isAtLeast(KubeRayVersion.V1_7_0)) {
      return v17Options(flavor, spec);
    }
    return Optional.empty();
  }

  /**
   * v1.7.0's checks of its newer options, in its order: the history server, token authentication,
   * network policies and mTLS. The three Alpha features are refused while their gates are off (the
   * defaults); with a gate on, their own option checks are not emulated (nor are the features).
   */
  private static Optional<String> v17Options(OperatorFlavor flavor, Map<String, Object> spec) {
    if (spec.get("historyServerOptions") != null
        && !flavor.options().enabled("RayClusterHistoryServer")) {
      return Optional.of("RayClusterHistoryServer feature gate is not enabled");
    }
    Map<String, Object> auth = Maps.map(spec.get("authOptions"));
    boolean k8sAuth = RayAuthToken.k8sDelegated(spec);
    if ("token".equals(auth.get("mode"))) {
      String rayVersion = String.valueOf(spec.getOrDefault("rayVersion", ""));
      if (rayVersion.isEmpty()) {
        return Optional.of(
            "authOptions.mode is 'token' but RayVersion was not specified. Ray version 2.52.0 or"
                + " later is required");
      }
      Optional<int[]> parsed = majorMinor(rayVersion);
      if (parsed.isPresent() && lessThan(parsed.get(), 2, 52)) {
        return Optional.of(
            "authOptions.mode is 'token' but minimum Ray version is 2.52.0, got " + rayVersion);
      }
      if (k8sAuth && parsed.isPresent() && lessThan(parsed.get(), 2, 55)) {
        return Optional.of(
            "authOptions.enableK8sTokenAuth is enabled but minimum Ray version is 2.55.0, got "
                + rayVersion);
      }
      if (k8sAuth && !String.valueOf(auth.getOrDefault("secretName", "")).isEmpty()) {
        return Optional.of(
            "authOptions.enableK8sTokenAuth is enabled and authOptions.secretName is also set");
      }
    } else if (k8sAuth) {
      return Optional.of(
          "authOptions.enableK8sTokenAuth is enabled but authOptions.mode not set to 'token'");
    }
    if (spec.get("networkPolicy") != null && !flavor.options().enabled("RayClusterNetworkPolicy")) {
      return Optional.of(
          "spec.networkPolicy requires the RayClusterNetworkPolicy feature gate to be enabled");
    }
    if (spec.get("tlsOptions") != null && !flavor.options().enabled("RayClusterMTLS")) {
      return Optional.of("spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled");
    }
    return Optional.empty();
  }

  /** Major and minor of a Ray version such as {@code 2.53.0}; empty when it does not parse. */
  private static Optional<int[]> majorMinor(String version) {
    Matcher m = MAJOR_MINOR.matcher(version.replaceFirst("^v", ""));
    return m.find()
        ? Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))})
        : Optional.empty();
  }

  private static boolean lessThan(int[] version, int major, int minor) {
    return version[0] < major || version[0] == major && version[1] < minor;
  }

  /**
   * Resources may be written in rayStartParams or in the group's {@code resources} field, not both.
   */
  private static Optional<String> groupResources(
      String group, Map<String, String> params, Map<String, String> resources) {
    boolean inParams =
        List.of("num-cpus", "num-gpus", "memory", "resources").stream()
            .anyMatch(k -> !params.getOrDefault(k, "").isEmpty());
    if (inParams && !resources.isEmpty()) {
      return Optional.of(
          "resource fields should not be set in both rayStartParams and Resources for "
              + group
              + " group; please use only one");
    }
    return Optional.empty();
  }

  private static Optional<String> groupLabels(
      String group, Map<String, String> params, Map<String, String> labels) {
    if (params.containsKey("labels")) {
      return Optional.of(
          "rayStartParams['labels'] is not supported for "
              + group
              + " group; please use the top-level Labels field instead");
    }
    StringBuilder errors = new StringBuilder();
    labels.forEach(
        (key, value) -> {
          String name = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
          if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
            append(
                errors,
                "invalid label key for "
                    + group
                    + " group: '"
                    + key
                    + "', error: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
          }
          if (value.length() > 63) {
            append(
                errors,
                "invalid label value for key '"
                    + key
                    + "' in "
                    + group
                    + " group: '"
                    + value
                    + "', error: must be no more than 63 characters");
          }
          if (!LABEL_VALUE.matcher(value).matches()) {
            append(
                errors,
                "invalid label value for key '"
                    + key
                    + "' in "
                    + group
                    + " group: '"
                    + value
                    + "', error: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
          }
        });
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.toString());
  }

  private static void append(StringBuilder errors, String error) {
    if (!errors.isEmpty()) {
      errors.append("; ");
    }
    errors.append(error);
  }

  private static RayClusterView viewOf(Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setMetadata(new ObjectMeta());
    r.getAdditionalProperties().put("spec", spec);
    return new RayClusterView(r);
  }

  private static boolean neverOrUnset(PodTemplateSpec template) {
    String policy = template.getSpec() == null ? null : template.getSpec().getRestartPolicy();
    return policy == null || policy.isEmpty() || "Never".equals(policy);
  }

  private static boolean hasEnv(Container c, String name) {
    return env(c, name).isPresent();
  }

  private static Optional<EnvVar> env(Container c, String name) {
    return c.getEnv() == null
        ? Optional.empty()
        : c.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
  }

  private static boolean empty(PodTemplateSpec template) {
    List<Container> containers =
        template.getSpec() == null ? null : template.getSpec().getContainers();
    return containers == null || containers.isEmpty();
  }
}
