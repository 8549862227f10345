package io.kuberay.harness.cli;

import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.RayImages;
import io.kuberay.harness.ray.process.RayRuntime;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./kuberay-harness up}: a local KubeRay emulator for kubectl and {@code ray job submit},
 * like LocalStack for AWS.
 */
final class UpCommand {

  static final String HELP =
      """
      Usage: ./kuberay-harness up [--kuberay VERSION] [--no-cluster] [--port PORT] [--kubeconfig FILE] [--ray auto|required|off]
                                  [--ready-timeout DURATION]

      Starts an emulated Kubernetes API on a loopback port with the KubeRay operator installed and the
      tutorial RayCluster (the ray-cluster Helm chart's defaults, release 'raycluster') running real Ray
      processes, writes a kubeconfig for it, prints how to use it, and serves until Ctrl-C. Ctrl-C (or
      SIGTERM) stops every process it started and deletes the kubeconfig.

      Options:
        --kuberay VERSION        KubeRay release to emulate: v1.1.0 (default), v1.5.0 or v1.7.0
        --no-cluster             an empty cluster: no operator, no RayCluster; install them yourself with the
                                 quick-start's commands (kubectl create -k / helm install kuberay-operator, then
                                 helm install raycluster): the operator's Deployment starts the emulated operator of
                                 the release in its image tag, and deleting it stops the operator
        --port PORT              the API server's loopback port (default 0: a free one)
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
    Thread hook =
        new Thread(
            () -> {
              Emulator e = running.getAndSet(null);
              if (e != null) {
                out.println();
                out.println("Stopping: closing the emulated cluster and its Ray processes...");
                e.close();
                out.println("Stopped.");
              }
              stopped.countDown();
            },
            "kuberay-harness-shutdown");
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
    if (emulator.cluster().isEmpty()) {
      return emptyClusterInstructions(emulator);
    }
    Path kubeconfig = emulator.kubeconfig();
    String ns = emulator.environment().operatorNamespace();
    String name = emulator.cluster().get().name();
    String svc = name + "-head-svc";
    StringBuilder s = new StringBuilder();
    s.append("\nKubeRay ")
        .append(emulator.environment().kuberayVersion())
        .append(" is up; RayCluster ")
        .append(name)
        .append(" is ready. Kubeconfig: ")
        .append(kubeconfig)
        .append("\n\n");
    s.append("In another terminal:\n\n");
    s.append("  export KUBECONFIG=").append(kubeconfig).append('\n');
    s.append("  kubectl get pods -n ").append(ns).append('\n');
    s.append("  kubectl get rayclusters\n");
    s.append(
        "  export HEAD_POD=$(kubectl get pods --selector=ray.io/node-type=head -o custom-columns=POD:metadata.name --no-headers)\n");
    s.append(
        "  kubectl exec -it $HEAD_POD -- python -c \"import ray; ray.init(); print(ray.cluster_resources())\"\n");
    s.append("  kubectl get svc\n");
    s.append("  kubectl port-forward service/").append(svc).append(" 8265:8265 > /dev/null &\n");
    String rayVersion = headRayVersion(emulator);
    s.append("  ")
        .append(rayCommand(rayVersion))
        .append(
            " job submit --address http://localhost:8265 -- python -c \"import ray; ray.init(); print(ray.cluster_resources())\"\n");
    s.append("  # Ray Client (ray://), with Ray ")
        .append(rayVersion)
        .append(" as the cluster runs it:\n");
    s.append("  kubectl port-forward service/").append(svc).append(" 10001:10001 > /dev/null &\n");
    s.append("  ")
        .append(provisioned(rayVersion, "python"))
        .append(
            " -c \"import ray; ray.init('ray://localhost:10001'); print(ray.cluster_resources())\"\n");
    s.append("\nServing until Ctrl-C.\n");
    return s.toString();
  }

  private static String emptyClusterInstructions(Emulator emulator) {
    String v = emulator.environment().kuberayVersion().toString();
    String n = emulator.environment().kuberayVersion().number();
    StringBuilder s = new StringBuilder();
    s.append("\nAn empty emulated cluster is up (no KubeRay operator, no RayCluster). Kubeconfig: ")
        .append(emulator.kubeconfig())
        .append("\n\n");
    s.append("In another terminal, the quick-start's own steps:\n\n");
    s.append("  export KUBECONFIG=").append(emulator.kubeconfig()).append('\n');
    s.append("  helm repo add kuberay https://ray-project.github.io/kuberay-helm/\n");
    s.append("  helm install kuberay-operator kuberay/kuberay-operator --version ")
        .append(n)
        .append('\n');
    s.append(
            "  #   or: kubectl create -k \"github.com/ray-project/kuberay/ray-operator/config/default?ref=")
        .append(v)
        .append("\"\n");
    s.append(
        "  kubectl wait --for=condition=Available deployment/kuberay-operator --timeout=60s   # add -n ray-system for v1.1.0's bundle\n");
    s.append("  helm install raycluster kuberay/ray-cluster --version ").append(n).append('\n');
    s.append(
        "  kubectl wait --for=jsonpath='{.status.state}'=ready raycluster/raycluster-kuberay --timeout=5m\n");
    s.append(
        "  kubectl port-forward service/raycluster-kuberay-head-svc 8265:8265 > /dev/null &\n");
    s.append("  ")
        .append(rayCommand(RayRuntime.RAY_VERSION))
        .append(
            " job submit --address http://localhost:8265 -- python -c \"import ray; ray.init(); print(ray.cluster_resources())\"\n");
    s.append(
            "\nThe operator's Deployment starts the emulated operator of the release in its image tag (")
        .append(String.join(", ", KubeRayVersion.SUPPORTED.stream().map(Object::toString).toList()))
        .append(").\nServing until Ctrl-C.\n");
    return s.toString();
  }

  /**
   * The Ray release the cluster's head runs, as its image names it (the chart of v1.5.0 runs
   * rayproject/ray:2.46.0): Ray Client ({@code ray://}) refuses a client of another release.
   */
  private static String headRayVersion(Emulator emulator) {
    try {
      String image =
          emulator.cluster().get().headPod().get().getSpec().getContainers().get(0).getImage();
      return RayImages.rayVersion(image).orElse(RayRuntime.RAY_VERSION);
    } catch (RuntimeException e) {
      return RayRuntime.RAY_VERSION;
    }
  }

  /** {@code ray} when it is on the PATH, else the harness's provisioned one of that release. */
  private static String rayCommand(String rayVersion) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ray"))) {
        return "ray";
      }
    }
    return provisioned(rayVersion, "ray");
  }

  /** The harness's provisioned {@code tool} ({@code ray}, {@code python}) of that Ray release. */
  private static String provisioned(String rayVersion, String tool) {
    RayRuntime runtime = RayRuntime.resolve(rayVersion);
    return runtime.isAvailable() ? runtime.binDir().resolve(tool).toString() : tool;
  }
}
