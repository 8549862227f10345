package io.kuberay.harness.cli;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import io.kuberay.harness.settings.Durations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of {@code up}; {@code port} 0 is a free port, {@code noCluster} an empty cluster (no
 * operator, no RayCluster).
 */
record UpOptions(
    KubeRayVersion kuberay,
    Path kubeconfig,
    RayMode ray,
    Duration readyTimeout,
    boolean noCluster,
    int port,
    boolean help) {

  static final Path DEFAULT_KUBECONFIG = Path.of("kuberay-harness.kubeconfig");

  static UpOptions defaults() {
    return new UpOptions(
        KubeRayVersion.DEFAULT,
        DEFAULT_KUBECONFIG,
        RayMode.AUTO,
        Duration.ofMinutes(5),
        false,
        0,
        false);
  }

  UpOptions withKuberay(KubeRayVersion value) {
    return new UpOptions(value, kubeconfig, ray, readyTimeout, noCluster, port, help);
  }

  UpOptions withKubeconfig(Path value) {
    return new UpOptions(kuberay, value, ray, readyTimeout, noCluster, port, help);
  }

  UpOptions withRay(RayMode value) {
    return new UpOptions(kuberay, kubeconfig, value, readyTimeout, noCluster, port, help);
  }

  UpOptions withReadyTimeout(Duration value) {
    return new UpOptions(kuberay, kubeconfig, ray, value, noCluster, port, help);
  }

  UpOptions withNoCluster(boolean value) {
    return new UpOptions(kuberay, kubeconfig, ray, readyTimeout, value, port, help);
  }

  UpOptions withPort(int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(
          "--port " + value + " is not a port; use 1 to 65535, or 0 for a free one");
    }
    return new UpOptions(kuberay, kubeconfig, ray, readyTimeout, noCluster, value, help);
  }

  /**
   * Parses {@code --kuberay V}, {@code --kubeconfig F}, {@code --ray MODE}, {@code --ready-timeout
   * D}, {@code --port N}, {@code --no-cluster}, {@code --help}; both {@code --k v} and {@code
   * --k=v}.
   */
  static UpOptions parse(String[] args) {
    UpOptions o = defaults();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "-h", "--help" -> {
          return new UpOptions(
              o.kuberay, o.kubeconfig, o.ray, o.readyTimeout, o.noCluster, o.port, true);
        }
        case "--kuberay" ->
            o = o.withKuberay(KubeRayVersion.of(value != null ? value : next(args, ++i, arg)));
        case "--kubeconfig" ->
            o = o.withKubeconfig(Path.of(value != null ? value : next(args, ++i, arg)));
        case "--ray" -> o = o.withRay(RayMode.of(value != null ? value : next(args, ++i, arg)));
        case "--ready-timeout" ->
            o = o.withReadyTimeout(Durations.parse(value != null ? value : next(args, ++i, arg)));
        case "--port" -> o = o.withPort(port(value != null ? value : next(args, ++i, arg)));
        case "--no-cluster" -> o = o.withNoCluster(true);
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    return o;
  }

  private static int port(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--port '" + text + "' is not a number; use a port from 1 to 65535, or 0 for a free one");
    }
  }

  private static String next(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
