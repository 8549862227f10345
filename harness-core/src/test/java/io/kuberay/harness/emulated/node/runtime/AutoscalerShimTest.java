package io.kuberay.harness.emulated.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler's {@code ray} shim against the two shapes of Ray's {@code run_autoscaler} module:
 * a stand-in {@code ray} package with the module as Ray 2.52 writes it ({@code
 * build_address(head_ip, 6379)}) and as Ray 2.9 to 2.46 do ({@code f"{head_ip}:6379"}, where the
 * shim once failed with {@code AttributeError: ... no attribute 'build_address'} and the container
 * restarted for ever: KubeRay v1.1.0's ray-cluster.autoscaler.yaml, Ray 2.9.0), and Ray 2.9's node
 * provider, which dials {@code https://kubernetes.default:443} and so could not resolve it.
 */
class AutoscalerShimTest {

  private static final String GCS = "127.0.0.1:40123";

  /** Ray 2.9's body: the health check, then Monitor (2.34-2.46 add GcsClient, see below). */
  private static final String RAY_2_9 =
      String.join(
          "\n",
          "import subprocess, sys",
          "def get_node_ip_address(): return '10.42.0.5'",
          "class Monitor:",
          "    def __init__(self, address, autoscaling_config=None, monitor_ip=None, retry_on_failure=True):",
          "        print('monitor', address, monitor_ip)",
          "    def run(self): pass",
          "GCS_CLIENT",
          "def run_kuberay_autoscaler(cluster_name, cluster_namespace):",
          "    head_ip = get_node_ip_address()",
          "    ray_address = f'{head_ip}:6379'",
          "    try:",
          "        subprocess.check_call([sys.executable, '-c', 'import sys; print(\"health-check\","
              + " sys.argv[1])', ray_address])",
          "    except subprocess.CalledProcessError:",
          "        raise",
          "    CLIENT_CALL",
          "    Monitor(address=ray_address, monitor_ip=head_ip).run()",
          "    from ray.autoscaler._private.kuberay import node_provider",
          "    print('url', node_provider.url_from_resource('default', 'pods/x'))",
          "");

  /** Ray 2.9's node_provider: the API server's address fixed in the code. */
  private static final String RAY_2_9_NODES =
      String.join(
          "\n",
          "def url_from_resource(namespace, path):",
          "    return 'https://kubernetes.default:443/api/v1/namespaces/' + namespace + '/' + path",
          "");

  /** Ray 2.46's and later: from KUBERNETES_SERVICE_HOST, left alone. */
  private static final String RAY_2_52_NODES =
      String.join(
          "\n",
          "KUBERNETES_HOST = 'https://10.43.0.1:443'",
          "def url_from_resource(namespace, path):",
          "    return KUBERNETES_HOST + '/api/v1/namespaces/' + namespace + '/' + path",
          "");

  private static final String RAY_2_52 =
      String.join(
          "\n",
          "def get_node_ip_address(): return '10.42.0.5'",
          "def build_address(host, port): return f'{host}:{port}'",
          "def run_kuberay_autoscaler(cluster_name, cluster_namespace):",
          "    head_ip = get_node_ip_address()",
          "    print('address', build_address(head_ip, 6379), build_address(head_ip, 8265))",
          "");

  @TempDir Path dir;

  @Test
  void ray29sAutoscalerDialsTheHeadsLoopbackGcsInItsHealthCheckAndMonitor() throws Exception {
    String out =
        run(
            RAY_2_9.replace("GCS_CLIENT", "").replace("CLIENT_CALL", "pass"),
            RAY_2_9_NODES,
            "kuberay-autoscaler");

    assertThat(out)
        .contains("health-check " + GCS)
        .contains("monitor " + GCS + " 10.42.0.5")
        .contains("url https://127.0.0.1:6443/api/v1/namespaces/default/pods/x");
  }

  @Test
  void ray246sAutoscalerDialsTheHeadsLoopbackGcsThroughItsGcsClient() throws Exception {
    String out =
        run(
            RAY_2_9
                .replace(
                    "GCS_CLIENT",
                    "class GcsClient:\n"
                        + "    def __init__(self, address): print('gcs-client', address)")
                .replace("CLIENT_CALL", "GcsClient(ray_address)"),
            RAY_2_52_NODES,
            "kuberay-autoscaler");

    assertThat(out)
        .contains("health-check " + GCS)
        .contains("gcs-client " + GCS)
        .contains("url https://10.43.0.1:443/api/v1/namespaces/default/pods/x");
  }

  @Test
  void ray252sBuildAddressMapsOnlyTheGcsPort() throws Exception {
    assertThat(run(RAY_2_52, RAY_2_52_NODES, "kuberay-autoscaler"))
        .contains("address " + GCS + " 10.42.0.5:8265");
  }

  @Test
  void otherCommandsAreRaysOwn() throws Exception {
    assertThat(run(RAY_2_52, RAY_2_52_NODES, "status"))
        .contains("main status")
        .doesNotContain("address");
  }

  /** Runs the shim with the stand-in {@code ray} package whose run_autoscaler is {@code module}. */
  private String run(String module, String nodeProvider, String command)
      throws IOException, InterruptedException {
    Path kuberay = Files.createDirectories(dir.resolve("ray/autoscaler/_private/kuberay"));
    Path scripts = Files.createDirectories(dir.resolve("ray/scripts"));
    for (Path p :
        new Path[] {
          dir.resolve("ray"),
          dir.resolve("ray/autoscaler"),
          dir.resolve("ray/autoscaler/_private"),
          kuberay,
          scripts
        }) {
      Files.writeString(p.resolve("__init__.py"), "");
    }
    Files.writeString(kuberay.resolve("run_autoscaler.py"), module);
    Files.writeString(kuberay.resolve("node_provider.py"), nodeProvider);
    Files.writeString(
        scripts.resolve("scripts.py"),
        String.join(
            "\n",
            "import sys",
            "def main():",
            "    if sys.argv[1] == 'kuberay-autoscaler':",
            "        from ray.autoscaler._private.kuberay import run_autoscaler",
            "        run_autoscaler.run_kuberay_autoscaler('c', 'default')",
            "    else:",
            "        print('main', sys.argv[1])",
            "    return 0",
            ""));
    Path shim = dir.resolve("ray-shim.py");
    Files.writeString(shim, AutoscalerContainer.SHIM);
    ProcessBuilder pb =
        new ProcessBuilder("python3", shim.toString(), command).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", dir.toString());
    pb.environment().put(AutoscalerContainer.HEAD_GCS_ENV, GCS);
    pb.environment().put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    pb.environment().put("KUBERNETES_SERVICE_PORT_HTTPS", "6443");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the shim ended within 30 s").isTrue();
    assertThat(p.exitValue()).as("the shim's exit code; its output:%n%s", out).isZero();
    return out;
  }
}
