package io.kuberay.harness.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** {@code ./kuberay-harness COMMAND [OPTIONS]}. */
public final class Main {

  static final String USAGE =
      """
      Usage: ./kuberay-harness COMMAND [OPTIONS]

      A testing and local-emulation harness for KubeRay.

      Commands:
        smoke   Run the bundled KubeRay quick-start scenario and print each step with its time
                (exit code 0 only if it passed). The default backend, emulated, needs no Docker.
        up      Start an emulated Kubernetes cluster with KubeRay and the tutorial RayCluster,
                write a kubeconfig, and serve until Ctrl-C.
        down    Remove the k3s environments kept for reuse (kuberay.k3s.reuse=true).

      Run './kuberay-harness COMMAND --help' for a command's options and examples.

      Examples:
        ./kuberay-harness smoke
        ./kuberay-harness smoke --kuberay v1.5.0
        ./kuberay-harness up
        ./kuberay-harness up --kuberay v1.5.0 --kubeconfig /tmp/kuberay.kubeconfig
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "up":
        return UpCommand.run(rest, out, err);
      case "smoke":
        return SmokeCommand.run(rest, out, err);
      case "down":
        return DownCommand.run(rest, out, err);
      default:
        err.println("kuberay-harness: unknown command '" + args[0] + "'");
        err.print(USAGE);
        return 2;
    }
  }
}
