package io.kuberay.harness.emulated.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kuberay.harness.ray.process.RayStartParams;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code ray start} command the operator generates for a head or worker container ({@code
 * setMissingRayStartParams}, {@code generateRayStartCommand}, {@code convertParamMap}).
 */
public final class GeneratedStartCommand {

  static final int DEFAULT_GCS_PORT = 6379;
  static final String METRICS_PORT = "8080";
  static final String DASHBOARD_AGENT_PORT = "52365";

  /**
   * The options that take an explicit boolean up to v1.6 (include-log-monitor joined them in
   * v1.7.0).
   */
  private static final Set<String> EXPLICIT_BOOLEAN_OPTIONS =
      Set.of("log-color", "include-dashboard");

  private final OperatorFlavor flavor;

  GeneratedStartCommand(OperatorFlavor flavor) {
    this.flavor = flavor;
  }

  /** The params after the operator filled in what is missing, in the order it renders them. */
  Map<String, String> params(
      boolean head, Map<String, String> userParams, Container ray, String gcsAddress) {
    Map<String, String> params = new LinkedHashMap<>(userParams);
    if (!head && !params.containsKey("address")) {
      params.put("address", gcsAddress);
    }
    if (head && !params.containsKey("dashboard-host")) {
      params.put("dashboard-host", "0.0.0.0");
    }
    params.putIfAbsent("metrics-export-port", METRICS_PORT);
    params.putIfAbsent("block", "true");
    params.putIfAbsent("dashboard-agent-listen-port", DASHBOARD_AGENT_PORT);
    addResourceParams(params, ray);
    if (flavor.sortsStartParams()) {
      return new LinkedHashMap<>(new TreeMap<>(params));
    }
    return params;
  }

  /**
   * {@code ray start [--head] --k=v ...} without the ulimit prefix (the KUBERAY_GEN_RAY_START_CMD
   * value).
   */
  String render(boolean head, Map<String, String> params) {
    List<String> flags = new ArrayList<>();
    params.forEach(
        (k, v) -> RayStartParams.flag(k, v, EXPLICIT_BOOLEAN_OPTIONS).ifPresent(flags::add));
    String start = head ? "ray start --head" : "ray start";
    if (!flavor.padsStartFlags()) {
      return start + (flags.isEmpty() ? "" : " " + String.join(" ", flags));
    }
    // Up to v1.5.0 each flag is written as " --k=v " after "ray start [--head] ": double spaces, a
    // trailing one.
    StringBuilder rendered = new StringBuilder(start).append(' ');
    flags.forEach(f -> rendered.append(' ').append(f).append(' '));
    return rendered.toString();
  }

  /**
   * The container's single argument: ulimit, then the user's own command if any, then ray start.
   */
  String containerArg(Container ray, String startCommand) {
    String user = userCommand(ray);
    String generated = flavor.ulimitPrefix() + startCommand;
    return user.isEmpty() ? generated : user + " && " + generated;
  }

  /** Whether generation is skipped: the user wrote {@code ray start} themselves. */
  static boolean userStartsRay(Container ray) {
    return userCommand(ray).contains("ray start");
  }

  private static String userCommand(Container ray) {
    List<String> words = new ArrayList<>();
    if (ray.getCommand() != null) {
      words.addAll(ray.getCommand());
    }
    if (ray.getArgs() != null) {
      words.addAll(ray.getArgs());
    }
    return String.join(" ", words).trim();
  }

  private void addResourceParams(Map<String, String> params, Container ray) {
    Map<String, Quantity> limits =
        ray.getResources() == null ? null : ray.getResources().getLimits();
    Map<String, Quantity> requests =
        ray.getResources() == null ? null : ray.getResources().getRequests();
    if (!params.containsKey("num-cpus")) {
      Quantity cpu = limits == null ? null : limits.get("cpu");
      if (cpu == null && flavor.cpuFallsBackToRequest() && requests != null) {
        cpu = requests.get("cpu");
      }
      if (cpu != null && Quantity.getAmountInBytes(cpu).signum() > 0) {
        // Quantity.Value() in Go rounds up: 500m becomes 1.
        params.put(
            "num-cpus",
            Quantity.getAmountInBytes(cpu).setScale(0, RoundingMode.CEILING).toPlainString());
      }
    }
    if (!params.containsKey("memory") && limits != null && limits.get("memory") != null) {
      BigDecimal bytes = Quantity.getAmountInBytes(limits.get("memory"));
      params.put("memory", bytes.setScale(0, RoundingMode.CEILING).toPlainString());
    }
    if (!params.containsKey("num-gpus") && limits != null) {
      limits.forEach(
          (k, q) -> {
            if (k.endsWith("gpu") && Quantity.getAmountInBytes(q).signum() > 0) {
              params.put(
                  "num-gpus",
                  Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).toPlainString());
            }
          });
    }
  }
}
