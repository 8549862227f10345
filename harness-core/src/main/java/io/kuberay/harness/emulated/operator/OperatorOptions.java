package io.kuberay.harness.emulated.operator;

import io.kuberay.harness.KubeRayVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the operator's command line says, read as the release's {@code main.go} reads it (Go's flag
 * package): the feature gates ({@code --feature-gates=A=true,B=false}, v1.5.0+) and the namespaces
 * it watches ({@code --watch-namespace=a,b}). Flags that would change what the operator does but
 * that the emulated operator does not carry out (a batch scheduler, a config file, the Kubernetes
 * proxy) are listed in {@link #notEmulated()}, so that the emulator can say so instead of quietly
 * behaving as without them. A command line the real operator refuses fails {@link #parse} with the
 * real operator's message.
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

  private final KubeRayVersion version;
  private final Map<String, Boolean> gates;
  private final Set<String> watchNamespaces;
  private final List<String> notEmulated;

  private OperatorOptions(
      KubeRayVersion version,
      Map<String, Boolean> gates,
      Set<String> watchNamespaces,
      List<String> notEmulated) {
    this.version = version;
    this.gates = Map.copyOf(gates);
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.notEmulated = List.copyOf(notEmulated);
  }

  /** The release's defaults: no flags. */
  public static OperatorOptions defaults(KubeRayVersion version) {
    return new OperatorOptions(version, gatesOf(version), Set.of(), List.of());
  }

  /**
   * Reads the operator container's arguments as the release's {@code main.go} does.
   *
   * @throws IllegalArgumentException with the message the real operator exits with (an undefined
   *     flag, a flag without its value, an unknown feature gate or a gate value that is not a bool)
   */
  public static OperatorOptions parse(KubeRayVersion version, List<String> args) {
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
    // (conditions follow RayClusterStatusConditions, deletionStrategy validation follows
    // RayJobDeletionPolicy) but does not carry out everything a gate moved off its default changes.
    Map<String, Boolean> defaults = gatesOf(version);
    gates.forEach(
        (name, on) -> {
          if (!on.equals(defaults.get(name))) {
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
    return new OperatorOptions(version, gates, namespaces, notEmulated);
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
        && gates.equals(other.gates)
        && watchNamespaces.equals(other.watchNamespaces)
        && notEmulated.equals(other.notEmulated);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, gates, watchNamespaces, notEmulated);
  }

  @Override
  public String toString() {
    return "operator "
        + version
        + " gates "
        + gates
        + (watchNamespaces.isEmpty() ? "" : " watching " + watchNamespaces)
        + (notEmulated.isEmpty() ? "" : " not emulated " + notEmulated);
  }
}
