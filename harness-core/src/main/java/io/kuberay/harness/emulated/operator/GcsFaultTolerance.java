package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GCS fault tolerance as the operator wires it into pod templates: v1.1.0's {@code
 * initTemplateAnnotations} and {@code setContainerEnvVars} (driven by the {@code ray.io/ft-enabled}
 * annotation), v1.5.0+'s {@code configureGCSFaultTolerance} (the annotation or {@code
 * spec.gcsFaultToleranceOptions}).
 */
final class GcsFaultTolerance {

  static final String FT_ENABLED = "ray.io/ft-enabled";
  static final String STORAGE_NS_ANNOTATION = "ray.io/external-storage-namespace";
  static final String STORAGE_NS_ENV = "RAY_external_storage_namespace";
  static final String RECONNECT_TIMEOUT_ENV = "RAY_gcs_rpc_server_reconnect_timeout_s";

  private final OperatorFlavor flavor;
  private final RayClusterView cluster;

  GcsFaultTolerance(OperatorFlavor flavor, RayClusterView cluster) {
    this.flavor = flavor;
    this.cluster = cluster;
  }

  boolean enabled() {
    boolean annotated = "true".equalsIgnoreCase(cluster.annotations().get(FT_ENABLED));
    return annotated
        || (flavor.hasGcsFaultToleranceOptions() && cluster.gcsFaultToleranceOptions().isPresent());
  }

  /**
   * Writes the FT annotations into a pod's annotations (after the template's, which they override).
   */
  void annotate(Map<String, String> annotations, boolean head) {
    Map<String, String> own = cluster.annotations();
    if (!flavor.hasGcsFaultToleranceOptions()) {
      // v1.1.0: every pod, and the storage namespace defaults to the cluster's uid.
      annotations.put(FT_ENABLED, Boolean.toString(enabled()));
      if (enabled()) {
        annotations.put(STORAGE_NS_ANNOTATION, String.valueOf(cluster.uid()));
      }
      if (own.containsKey(STORAGE_NS_ANNOTATION)) {
        annotations.put(STORAGE_NS_ANNOTATION, own.get(STORAGE_NS_ANNOTATION));
      }
      return;
    }
    if (head) {
      annotations.put(FT_ENABLED, Boolean.toString(enabled()));
      if (enabled()) {
        annotations.put(STORAGE_NS_ANNOTATION, storageNamespace());
      }
    }
  }

  private String storageNamespace() {
    String ns =
        cluster.annotations().getOrDefault(STORAGE_NS_ANNOTATION, String.valueOf(cluster.uid()));
    String fromOptions =
        cluster
            .gcsFaultToleranceOptions()
            .flatMap(o -> Maps.string(o, "externalStorageNamespace"))
            .orElse("");
    return fromOptions.isEmpty() ? ns : fromOptions;
  }

  /**
   * rayStartParams the head gets from gcsFaultToleranceOptions' username and password (v1.5.0+).
   */
  void addHeadParams(Map<String, String> params) {
    if (!flavor.hasGcsFaultToleranceOptions() || !enabled()) {
      return;
    }
    cluster
        .gcsFaultToleranceOptions()
        .ifPresent(
            o -> {
              if (o.get("redisUsername") != null) {
                params.put("redis-username", "$REDIS_USERNAME");
              }
              if (o.get("redisPassword") != null) {
                params.put("redis-password", "$REDIS_PASSWORD");
              }
            });
  }

  /**
   * v1.5.0+: the env configureGCSFaultTolerance appends to the Ray container, before the operator's
   * own env. {@code annotations} are the pod's, already annotated.
   */
  List<EnvVar> templateEnv(
      List<EnvVar> current,
      boolean head,
      Map<String, String> params,
      Map<String, String> annotations) {
    List<EnvVar> env = new ArrayList<>();
    if (!flavor.hasGcsFaultToleranceOptions() || !enabled()) {
      return env;
    }
    if (!head) {
      if (!has(current, RECONNECT_TIMEOUT_ENV)) {
        env.add(new EnvVar(RECONNECT_TIMEOUT_ENV, "600", null));
      }
      return env;
    }
    if (!has(current, STORAGE_NS_ENV)) {
      env.add(new EnvVar(STORAGE_NS_ENV, annotations.get(STORAGE_NS_ANNOTATION), null));
    }
    var options = cluster.gcsFaultToleranceOptions();
    if (options.isPresent()) {
      env.add(
          new EnvVar(
              "RAY_REDIS_ADDRESS", Maps.string(options.get(), "redisAddress").orElse(null), null));
      secretOrValue(options.get(), "redisUsername", "REDIS_USERNAME").ifPresent(env::add);
      secretOrValue(options.get(), "redisPassword", "REDIS_PASSWORD").ifPresent(env::add);
    } else if (!has(current, "REDIS_PASSWORD") && params.containsKey("redis-password")) {
      env.add(new EnvVar("REDIS_PASSWORD", emptyToNull(params.get("redis-password")), null));
    }
    return env;
  }

  /** v1.1.0: the env setContainerEnvVars adds after REDIS_PASSWORD. */
  List<EnvVar> legacyEnv(List<EnvVar> current, boolean head, Map<String, String> annotations) {
    List<EnvVar> env = new ArrayList<>();
    if (flavor.hasGcsFaultToleranceOptions()) {
      return env;
    }
    if (!has(current, STORAGE_NS_ENV) && annotations.containsKey(STORAGE_NS_ANNOTATION)) {
      env.add(new EnvVar(STORAGE_NS_ENV, annotations.get(STORAGE_NS_ANNOTATION), null));
    }
    if (!head
        && !has(current, RECONNECT_TIMEOUT_ENV)
        && "true".equals(annotations.get(FT_ENABLED))) {
      env.add(new EnvVar(RECONNECT_TIMEOUT_ENV, "600", null));
    }
    return env;
  }

  private static Optional<EnvVar> secretOrValue(
      Map<String, Object> options, String field, String name) {
    Object source = options.get(field);
    if (source == null) {
      return Optional.empty();
    }
    Map<String, Object> m = Maps.map(source);
    EnvVarSource from =
        m.get("valueFrom") == null ? null : Json.convert(m.get("valueFrom"), EnvVarSource.class);
    return Optional.of(
        new EnvVar(
            name, Maps.string(m, "value").map(GcsFaultTolerance::emptyToNull).orElse(null), from));
  }

  private static String emptyToNull(String s) {
    // Go omits the empty string from the JSON.
    return s == null || s.isEmpty() ? null : s;
  }

  private static boolean has(List<EnvVar> env, String name) {
    return env != null && env.stream().anyMatch(e -> name.equals(e.getName()));
  }
}
