package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.emulated.support.Maps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the operator's command line says, read as the release's {@code main.go} reads it (Go's flag
 * package): the feature gates ({@code --feature-gates=A=true,B=false}, v1.5.0+) and the namespaces
 * it watches ({@code --watch-namespace=a,b}). Flags that would change what the operator does but
 * that the emulated operator does not carry out (a batch scheduler, a config file, the Kubernetes
 * proxy) are listed in {@link #notEmulated()}, so that the emulator can say so instead of quietly
 * behaving as without them. A command line the real operator refuses fails {@link #parse} with the
 * real operator's message.
 *
 * <p>The container's environment is read here too ({@link #fromContainer}): the variables the
 * release reads with {@code os.Getenv} ({@link EnvFlag}). {@value #GCS_FT_REDIS_CLEANUP} is carried
 * out ({@link #gcsFtRedisCleanup()}), and so are the RayJob controller's grace period and job
 * status-check timeout (read through {@link #env(String)}); any other set to a value that changes
 * what the release does is listed in {@link #notEmulated()}. The operator reads its environment
 * once, when its process starts; a changed env is a new pod template, so a new operator with new
 * options.
 */
public final class OperatorOptions {

  /** The gates of each release and their defaults ({@code pkg/features/features.go}). */
  private static final Map<String, Boolean> GATES_V1_5 =
      ordered(
          "RayClusterStatusConditions", true,
          "RayJobDeletionPolicy", false,
          "RayMultiHostIndexing", false,
          "RayServiceIncrementalUpgrade", false);

  private static final Map<String, Boolean> GATES_V1_7 =
      ordered(
          "RayClusterStatusConditions", true,
          "RayJobDeletionPolicy", true,
          "RayMultiHostIndexing", true,
          "RayServiceIncrementalUpgrade", true,
          "RayCronJob", false,
          "SidecarSubmitterRestart", false,
          "RayClusterNetworkPolicy", false,
          "GCSFaultToleranceEmbeddedStorage", false,
          "RayClusterMTLS", false,
          "RayClusterHistoryServer", false,
          "KubernetesWAS", false);

  /**
   * Gates whose every effect the emulator carries out either way: RayJobDeletionPolicy (the
   * deletionStrategy's and worker groups' suspend validation, the strategy's deletions).
   */
  private static final Set<String> CARRIED_OUT_GATES = Set.of("RayJobDeletionPolicy");

  /** Flags of every supported release; v1.5.0 added the last five. */
  private static final Set<String> FLAGS_V1_1 =
      Set.of(
          "metrics-addr",
          "health-probe-bind-address",
          "enable-leader-election",
          "leader-election-namespace",
          "reconcile-concurrency",
          "watch-namespace",
          "forced-cluster-upgrade",
          "log-file-path",
          "log-file-encoder",
          "log-stdout-encoder",
          "enable-batch-scheduler",
          "config",
          // controller-runtime's zap options, bound to the same command line
          "zap-devel",
          "zap-encoder",
          "zap-log-level",
          "zap-stacktrace-level",
          "zap-time-encoding");

  private static final Set<String> FLAGS_V1_5 =
      Set.of(
          "batch-scheduler",
          "use-kubernetes-proxy",
          "feature-gates",
          "enable-metrics",
          "burst",
          "qps");

  private static final Set<String> BOOLEAN_FLAGS =
      Set.of(
          "enable-leader-election",
          "forced-cluster-upgrade",
          "enable-batch-scheduler",
          "use-kubernetes-proxy",
          "enable-metrics",
          "zap-devel");

  static final String GCS_FT_REDIS_CLEANUP = "ENABLE_GCS_FT_REDIS_CLEANUP";

  /**
   * An environment variable a release reads with {@code os.Getenv}, from which release on (of the
   * supported ones: v1.2.0-v1.4.0 additions count from v1.5.0), and which values change what the
   * operator does compared with the variable unset.
   */
  private record EnvFlag(String name, KubeRayVersion since, Predicate<String> changes) {}

  private static final Predicate<String> LOWER_FALSE =
      v -> v.toLowerCase(Locale.ROOT).equals("false");
  private static final Predicate<String> LOWER_TRUE =
      v -> v.toLowerCase(Locale.ROOT).equals("true");

  /** Every release's {@code os.Getenv} reads of ray-operator (controllers, main.go). */
  private static final List<EnvFlag> ENV_FLAGS =
      List.of(
          // raycluster_controller.go: strings.ToLower(os.Getenv(...)) != "false"
          new EnvFlag(GCS_FT_REDIS_CLEANUP, KubeRayVersion.V1_1_0, LOWER_FALSE),
          new EnvFlag("ENABLE_INIT_CONTAINER_INJECTION", KubeRayVersion.V1_1_0, LOWER_FALSE),
          new EnvFlag("ENABLE_PROBES_INJECTION", KubeRayVersion.V1_1_0, LOWER_FALSE),
          new EnvFlag("ENABLE_ZERO_DOWNTIME", KubeRayVersion.V1_1_0, LOWER_FALSE),
          new EnvFlag("ENABLE_RANDOM_POD_DELETE", KubeRayVersion.V1_1_0, LOWER_TRUE),
          // main.go: os.Getenv("ENABLE_WEBHOOKS") == "true"
          new EnvFlag("ENABLE_WEBHOOKS", KubeRayVersion.V1_1_0, "true"::equals),
          // utils.GetClusterDomainName: any non-empty value replaces cluster.local
          new EnvFlag(
              "CLUSTER_DOMAIN",
              KubeRayVersion.V1_1_0,
              v -> !v.isEmpty() && !v.equals("cluster.local")),
          // strconv.Atoi; the default is 300 s
          new EnvFlag(
              "RAYCLUSTER_DEFAULT_REQUEUE_SECONDS_ENV",
              KubeRayVersion.V1_1_0,
              OperatorOptions::otherSeconds),
          // only tells OpenShift apart from Kubernetes, which the emulated cluster is anyway
          new EnvFlag("USE_INGRESS_ON_OPENSHIFT", KubeRayVersion.V1_1_0, v -> false),
          new EnvFlag("ENABLE_RAY_HEAD_CLUSTER_IP_SERVICE", KubeRayVersion.V1_5_0, LOWER_TRUE),
          new EnvFlag("DELETE_RAYJOB_CR_AFTER_JOB_FINISHES", KubeRayVersion.V1_5_0, LOWER_TRUE),
          new EnvFlag("ENABLE_LOGIN_SHELL", KubeRayVersion.V1_5_0, LOWER_TRUE),
          // carried out: the RayJob controller's grace period (OperatorFlavor)
          new EnvFlag(
              "RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS",
              KubeRayVersion.V1_5_0,
              v -> false),
          new EnvFlag("ENABLE_DETERMINISTIC_HEAD_POD_NAME", KubeRayVersion.V1_5_0, LOWER_TRUE),
          // carried out: the RayJob controller's job status-check timeout (OperatorFlavor)
          new EnvFlag("RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS", KubeRayVersion.V1_7_0, v -> false));

  private final KubeRayVersion version;
  private final Map<String, String> env;
  private final Map<String, Boolean> gates;
  private final Set<String> watchNamespaces;
  private final List<String> notEmulated;

  private OperatorOptions(
      KubeRayVersion version,
      Map<String, String> env,
      Map<String, Boolean> gates,
      Set<String> watchNamespaces,
      List<String> notEmulated) {
    this.version = version;
    this.env = Map.copyOf(env);
    this.gates = Map.copyOf(gates);
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.notEmulated = List.copyOf(notEmulated);
  }

  /** The release's defaults: no flags. */
  public static OperatorOptions defaults(KubeRayVersion version) {
    return new OperatorOptions(version, Map.of(), gatesOf(version), Set.of(), List.of());
  }

  /**
   * Reads the operator container's arguments as the release's {@code main.go} does.
   *
   * @throws IllegalArgumentException with the message the real operator exits with (an undefined
   *     flag, a flag without its value, an unknown feature gate or a gate value that is not a bool)
   */
  public static OperatorOptions parse(KubeRayVersion version, List<String> args) {
    return parse(version, args, List.of());
  }

  /**
   * The operator container of its Deployment's pod template ({@code args} and {@code env}), read as
   * the release reads its command line and environment.
   *
   * @throws IllegalArgumentException as {@link #parse(KubeRayVersion, List)}
   */
  public static OperatorOptions fromContainer(
      KubeRayVersion version, Map<String, Object> container) {
    return parse(
        version,
        Maps.list(container.get("args")).stream().map(String::valueOf).toList(),
        Maps.list(container.get("env")).stream().map(Maps::map).toList());
  }

  /**
   * The command line and the container's {@code env} entries ({@code name}, {@code value} or {@code
   * valueFrom}).
   */
  static OperatorOptions parse(
      KubeRayVersion version, List<String> args, List<Map<String, Object>> envEntries) {
    Map<String, String> flags = flags(version, args);
    Map<String, Boolean> gates = new LinkedHashMap<>(gatesOf(version));
    List<String> notEmulated = new ArrayList<>();
    String gateText = flags.getOrDefault("feature-gates", "");
    for (String pair : gateText.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.trim().split("=", 2);
      String name = kv[0].trim();
      if (kv.length < 2) {
        throw new IllegalArgumentException(
            "Unable to set flag gates for known features: missing bool value for " + name);
      }
      if (!gates.containsKey(name)) {
        throw new IllegalArgumentException(
            "Unable to set flag gates for known features: unrecognized feature gate: " + name);
      }
      Boolean value = goBool(kv[1].trim());
      if (value == null) {
        throw new IllegalArgumentException(
            "Unable to set flag gates for known features: invalid value of "
                + name
                + "="
                + kv[1].trim()
                + ", err: strconv.ParseBool: parsing \""
                + kv[1].trim()
                + "\": invalid syntax");
      }
      gates.put(name, value);
    }
    // The emulated operator is each release's behaviour at its default gates. It reads the gates
    // (conditions follow RayClusterStatusConditions) but does not carry out everything a gate moved
    // off its default changes, except RayJobDeletionPolicy's, all of which it does.
    Map<String, Boolean> defaults = gatesOf(version);
    gates.forEach(
        (name, on) -> {
          if (!on.equals(defaults.get(name)) && !CARRIED_OUT_GATES.contains(name)) {
            notEmulated.add("--feature-gates " + name + "=" + on);
          }
        });
    for (String flag : List.of("batch-scheduler", "config")) {
      if (!flags.getOrDefault(flag, "").isEmpty()) {
        notEmulated.add("--" + flag + "=" + flags.get(flag));
      }
    }
    for (String flag : List.of("enable-batch-scheduler", "use-kubernetes-proxy")) {
      if ("true".equals(flags.get(flag))) {
        notEmulated.add("--" + flag);
      }
    }
    Set<String> namespaces = new LinkedHashSet<>();
    for (String ns : flags.getOrDefault("watch-namespace", "").split(",")) {
      if (!ns.isBlank()) {
        namespaces.add(ns.trim());
      }
    }
    Map<String, String> env = env(version, envEntries, notEmulated);
    return new OperatorOptions(version, env, gates, namespaces, notEmulated);
  }

  /**
   * The values of the variables the release reads, as the container's process sees them: a later
   * entry of the same name wins, as the kubelet builds the environment. A variable the release
   * reads that comes from {@code valueFrom} is not resolved here: read as unset, and named in
   * {@code notEmulated}.
   */
  private static Map<String, String> env(
      KubeRayVersion version, List<Map<String, Object>> entries, List<String> notEmulated) {
    Map<String, EnvFlag> read = new LinkedHashMap<>();
    ENV_FLAGS.stream()
        .filter(f -> version.isAtLeast(f.since()))
        .forEach(f -> read.put(f.name(), f));
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> fromSources = new LinkedHashSet<>();
    for (Map<String, Object> entry : entries) {
      String name = String.valueOf(entry.get("name"));
      if (!read.containsKey(name)) {
        continue;
      }
      if (entry.get("valueFrom") != null) {
        values.remove(name);
        fromSources.add(name);
      } else {
        fromSources.remove(name);
        values.put(name, entry.get("value") == null ? "" : String.valueOf(entry.get("value")));
      }
    }
    for (EnvFlag flag : read.values()) {
      String value = values.get(flag.name());
      if (fromSources.contains(flag.name())) {
        notEmulated.add("env " + flag.name() + " from valueFrom (read as unset)");
      } else if (value != null
          && !flag.name().equals(GCS_FT_REDIS_CLEANUP)
          && flag.changes().test(value)) {
        notEmulated.add("env " + flag.name() + "=" + value);
      }
    }
    return values;
  }

  /** A whole number of seconds other than the 300 s default ({@code strconv.Atoi}). */
  private static boolean otherSeconds(String value) {
    try {
      return Integer.parseInt(value.startsWith("+") ? value.substring(1) : value) != 300;
    } catch (NumberFormatException e) {
      return false; // Atoi fails: the default applies
    }
  }

  /**
   * {@value #GCS_FT_REDIS_CLEANUP}: every supported release runs the GCS FT Redis cleanup
   * (finalizer and Job) unless the variable is {@code false} in any case ({@code
   * strings.ToLower(os.Getenv(...)) != "false"}); unset or any other value leaves it on.
   */
  public boolean gcsFtRedisCleanup() {
    return !LOWER_FALSE.test(env.getOrDefault(GCS_FT_REDIS_CLEANUP, ""));
  }

  /** The value of an environment variable the release reads, if the container sets it. */
  public Optional<String> env(String name) {
    return Optional.ofNullable(env.get(name));
  }

  /** Whether the gate is on; a gate the release does not have is off. */
  public boolean enabled(String gate) {
    return gates.getOrDefault(gate, false);
  }

  /** Whether the operator reconciles custom resources of this namespace. */
  public boolean watches(String namespace) {
    return watchNamespaces.isEmpty() || watchNamespaces.contains(namespace);
  }

  /** The namespaces {@code --watch-namespace} names; empty: all. */
  public Set<String> watchNamespaces() {
    return watchNamespaces;
  }

  /** Flags and gates that would change what the operator does, which the emulator does not do. */
  public List<String> notEmulated() {
    return notEmulated;
  }

  public KubeRayVersion version() {
    return version;
  }

  /** Go's flag syntax: {@code -f}, {@code --f}, {@code -f=v}, {@code -f v}; stops at {@code --}. */
  private static Map<String, String> flags(KubeRayVersion version, List<String> args) {
    Set<String> known = new LinkedHashSet<>(FLAGS_V1_1);
    if (version.isAtLeast(KubeRayVersion.V1_5_0)) {
      known.addAll(FLAGS_V1_5);
    }
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--") || !arg.startsWith("-") || arg.equals("-")) {
        break; // Go's flag package stops at the first non-flag argument
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("flag provided but not defined: -" + name);
      }
      String value;
      if (eq >= 0) {
        value = body.substring(eq + 1);
      } else if (BOOLEAN_FLAGS.contains(name)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException("flag needs an argument: -" + name);
      }
      if (BOOLEAN_FLAGS.contains(name)) {
        Boolean b = goBool(value);
        if (b == null) {
          throw new IllegalArgumentException(
              "invalid boolean value \"" + value + "\" for -" + name + ": parse error");
        }
        value = b.toString();
      }
      flags.put(name, value);
    }
    return flags;
  }

  /** strconv.ParseBool's spellings. */
  private static Boolean goBool(String text) {
    return switch (text) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> null;
    };
  }

  private static Map<String, Boolean> gatesOf(KubeRayVersion version) {
    if (version.isAtLeast(KubeRayVersion.V1_7_0)) {
      return GATES_V1_7;
    }
    return version.isAtLeast(KubeRayVersion.V1_5_0) ? GATES_V1_5 : Map.of();
  }

  private static Map<String, Boolean> ordered(Object... nameThenDefault) {
    Map<String, Boolean> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenDefault.length; i += 2) {
      m.put((String) nameThenDefault[i], (Boolean) nameThenDefault[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperatorOptions other
        && version.equals(other.version)
        && env.equals(other.env)
        && gates.equals(other.gates)
        && watchNamespaces.equals(other.watchNamespaces)
        && notEmulated.equals(other.notEmulated);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, env, gates, watchNamespaces, notEmulated);
  }

  @Override
  public String toString() {
    return "operator "
        + version
        + " gates "
        + gates
        + (env.isEmpty() ? "" : " env " + env)
        + (watchNamespaces.isEmpty() ? "" : " watching " + watchNamespaces)
        + (notEmulated.isEmpty() ? "" : " not emulated " + notEmulated);
  }
}
