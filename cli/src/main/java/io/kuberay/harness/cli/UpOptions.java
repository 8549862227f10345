package io.kuberay.harness.cli;

import io.kuberay.harness.Durations;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayMode;
import java.nio.file.Path;
import java.time.Duration;

/** The options of {@code up}. */
record UpOptions(KubeRayVersion kuberay, Path kubeconfig, RayMode ray, Duration readyTimeout, boolean help) {

  static final Path DEFAULT_KUBECONFIG = Path.of("kuberay-harness.kubeconfig");

  static UpOptions defaults() {
    return new UpOptions(KubeRayVersion.DEFAULT, DEFAULT_KUBECONFIG, RayMode.AUTO, Duration.ofMinutes(5), false);
  }

  /** Parses {@code --kuberay V}, {@code --kubeconfig F}, {@code --ray MODE}, {@code --ready-timeout D}, {@code --help}; both {@code --k v} and {@code --k=v}. */
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
        case "-h":
        case "--help":
          return new UpOptions(o.kuberay, o.kubeconfig, o.ray, o.readyTimeout, true);
        case "--kuberay":
          o = new UpOptions(KubeRayVersion.of(value != null ? value : next(args, ++i, arg)), o.kubeconfig, o.ray, o.readyTimeout, false);
          break;
        case "--kubeconfig":
          o = new UpOptions(o.kuberay, Path.of(value != null ? value : next(args, ++i, arg)), o.ray, o.readyTimeout, false);
          break;
        case "--ray":
          o = new UpOptions(o.kuberay, o.kubeconfig, RayMode.of(value != null ? value : next(args, ++i, arg)), o.readyTimeout, false);
          break;
        case "--ready-timeout":
          o = new UpOptions(o.kuberay, o.kubeconfig, o.ray, Durations.parse(value != null ? value : next(args, ++i, arg)), false);
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    return o;
  }

  private static String next(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
