package io.kuberay.harness.cli;

import io.kuberay.harness.ray.process.RayRuntime;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** {@code ./kuberay-harness up}: a local KubeRay emulator for kubectl and {@code ray job submit}, like LocalStack for AWS. */
final class UpCommand {

  static final String HELP =
      """
      Usage: ./kuberay-harness up [--kuberay VERSION] [--kubeconfig FILE] [--ray auto|required|off] [--ready-timeout DURATION]

      Starts an emulated Kubernetes API on a loopback port with the KubeRay operator installed and the
      tutorial RayCluster (the ray-cluster Helm chart's defaults, release 'raycluster') running real Ray
      processes, writes a kubeconfig for it, prints how to use it, and serves until Ctrl-C. Ctrl-C (or
      SIGTERM) stops every process it started and deletes the kubeconfig.

      Options:
        --kuberay VERSION        KubeRay release to emulate: v1.1.0 (default), v1.5.0 or v1.7.0
        --kubeconfig FILE        where to write the kubeconfig (default: ./kuberay-harness.kubeconfig, mode 600)
        --ray MODE               auto (default): real Ray processes when Python with Ray is available or can be
                                 provisioned; required: fail without; off: pods without processes (no exec output,
                                 no dashboard)
        --ready-timeout DURATION how long to wait for the RayCluster to be ready (default 5m)
        -h, --help               this help

      Examples:
        ./kuberay-harness up
        ./kuberay-harness up --kuberay v1.5.0 --kubeconfig /tmp/kuberay.kubeconfig

        # in another terminal, the KubeRay quick-start's own commands:
        export KUBECONFIG=$PWD/kuberay-harness.kubeconfig
        kubectl get pods -n ray-system
        kubectl get rayclusters
        export HEAD_POD=$(kubectl get pods --selector=ray.io/node-type=head -o custom-columns=POD:metadata.name --no-headers)
        kubectl exec -it $HEAD_POD -- python -c "import ray; ray.init(); print(ray.cluster_resources())"
        kubectl port-forward service/raycluster-kuberay-head-svc 8265:8265 > /dev/null &
        ray job submit --address http://localhost:8265 -- python -c "import ray; ray.init(); print(ray.cluster_resources())"
      """;

  private UpCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    UpOptions options;
    try {
      options = UpOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("kuberay-harness up: " + e.getMessage());
      err.print(HELP);
      return 2;
    }
    if (options.help()) {
      out.print(HELP);
      return 0;
    }
    AtomicReference<Emulator> running = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      Emulator e = running.getAndSet(null);
      if (e != null) {
        out.println();
        out.println("Stopping: closing the emulated cluster and its Ray processes...");
        e.close();
        out.println("Stopped.");
      }
      stopped.countDown();
    }, "kuberay-harness-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Emulator emulator;
    try {
      emulator = Emulator.start(options, out);
    } catch (RuntimeException e) {
      err.println("kuberay-harness up: " + e.getMessage());
      return 1;
    }
    running.set(emulator);
    out.print(instructions(emulator));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static String instructions(Emulator emulator) {
    Path kubeconfig = emulator.kubeconfig();
    String ns = emulator.environment().operatorNamespace();
    String svc = emulator.cluster().name() + "-head-svc";
    StringBuilder s = new StringBuilder();
    s.append("\nKubeRay ").append(emulator.environment().kuberayVersion()).append(" is up; RayCluster ").append(emulator.cluster().name())
        .append(" is ready. Kubeconfig: ").append(kubeconfig).append("\n\n");
    s.append("In another terminal:\n\n");
    s.append("  export KUBECONFIG=").append(kubeconfig).append('\n');
    s.append("  kubectl get pods -n ").append(ns).append('\n');
    s.append("  kubectl get rayclusters\n");
    s.append("  export HEAD_POD=$(kubectl get pods --selector=ray.io/node-type=head -o custom-columns=POD:metadata.name --no-headers)\n");
    s.append("  kubectl exec -it $HEAD_POD -- python -c \"import ray; ray.init(); print(ray.cluster_resources())\"\n");
    s.append("  kubectl get svc\n");
    s.append("  kubectl port-forward service/").append(svc).append(" 8265:8265 > /dev/null &\n");
    s.append("  ").append(rayCommand()).append(" job submit --address http://localhost:8265 -- python -c \"import ray; ray.init(); print(ray.cluster_resources())\"\n");
    s.append("\nServing until Ctrl-C.\n");
    return s.toString();
  }

  /** {@code ray} when it is on the PATH, else the harness's provisioned one. */
  private static String rayCommand() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ray"))) {
        return "ray";
      }
    }
    RayRuntime runtime = RayRuntime.resolve();
    return runtime.isAvailable() ? runtime.binDir().resolve("ray").toString() : "ray";
  }
}
