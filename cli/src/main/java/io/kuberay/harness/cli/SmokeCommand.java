package io.kuberay.harness.cli;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.KubeRayEnvironments;
import io.kuberay.harness.KubeRayVersion;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./kuberay-harness smoke}: the bundled tutorial scenarios on a backend, with a readable
 * summary.
 */
final class SmokeCommand {

  static final String USAGE =
      """
      Usage: ./kuberay-harness smoke [--backend emulated|k3s|existing] [--context NAME] [--kuberay VERSION]

      Runs the bundled KubeRay quick-start scenario: install the operator, install the ray-cluster chart as
      release "raycluster", check pods and the RayCluster, exec the tutorial's Python in the head pod, submit
      it as a Ray job and check its logs. Prints each step with its time; exits 0 only if all passed.

      Options:
        --backend B      emulated (default; no Docker), k3s (Docker and the local images), existing (kubeconfig)
        --context NAME   kubeconfig context for --backend existing (implies it)
        --kuberay V      KubeRay release of the scenario: v1.1.0 (default, the tutorial's) or v1.5.0
        --report DIR     where the HTML report goes (default: target/kuberay-smoke)

      Examples:
        ./kuberay-harness smoke
        ./kuberay-harness smoke --kuberay v1.5.0
        ./kuberay-harness smoke --backend existing --context kind-kind
      """;

  private static final List<KubeRayVersion> WITH_SCENARIO =
      List.of(KubeRayVersion.V1_1_0, KubeRayVersion.V1_5_0);

  private SmokeCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    String backend = null;
    String context = null;
    KubeRayVersion version = KubeRayVersion.V1_1_0;
    Path report = Path.of("target", "kuberay-smoke");
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          case "--backend" -> backend = BackendType.of(value(args, ++i, "--backend")).id();
          case "--context" -> context = value(args, ++i, "--context");
          case "--kuberay" -> version = KubeRayVersion.of(value(args, ++i, "--kuberay"));
          case "--report" -> report = Path.of(value(args, ++i, "--report"));
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      if (!WITH_SCENARIO.contains(version)) {
        throw new IllegalArgumentException(
            "there is no bundled tutorial scenario for KubeRay "
                + version
                + "; use one of "
                + WITH_SCENARIO);
      }
    } catch (IllegalArgumentException e) {
      err.println("kuberay-harness smoke: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (context != null) {
      System.setProperty("kuberay.context", context);
      backend = backend == null ? "existing" : backend;
    }
    if (backend != null) {
      System.setProperty("kuberay.backend", backend);
    }
    out.printf(
        "KubeRay smoke run: tutorial scenario for KubeRay %s on the %s backend%n",
        version, backend == null ? "emulated" : backend);
    List<String> cucumber =
        new ArrayList<>(
            List.of(
                "--glue",
                "io.kuberay.harness.cucumber",
                "--plugin",
                SmokeSummary.class.getName(),
                "--plugin",
                "html:" + report.resolve("cucumber.html"),
                "--monochrome",
                "classpath:features/tutorial-" + version + ".feature"));
    byte status;
    try {
      status =
          io.cucumber.core.cli.Main.run(
              cucumber.toArray(new String[0]), SmokeCommand.class.getClassLoader());
    } finally {
      KubeRayEnvironments.closeAll();
    }
    out.printf("HTML report: %s%n", report.resolve("cucumber.html").toAbsolutePath());
    return status;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
