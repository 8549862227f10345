package io.kuberay.harness.k3s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.EnvironmentSettings;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.install.ManifestSources;
import io.kuberay.harness.realcluster.ClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does, on a second thread, the class loading a k3s start needs later on its main thread: the
 * Kubernetes client (kubeconfig parsing, JSON mapping, the Vert.x HTTP client) and the KubeRay
 * bundle's parsed objects. In a fresh JVM these are seconds, mostly single-threaded, that would
 * otherwise come after the node's boot or the Docker lookup instead of beside them (figures in
 * docs/PERFORMANCE.md). The client is built for an unused loopback address and closed: nothing is
 * sent. A failure only loses the speed-up.
 */
final class StartWarmup {

  private static final Logger logger = LoggerFactory.getLogger(StartWarmup.class);

  /** A kubeconfig of the shape k3s writes, without credentials. */
  static final String KUBECONFIG =
      """
      apiVersion: v1
      kind: Config
      clusters:
      - cluster:
          server: https://127.0.0.1:1
          insecure-skip-tls-verify: true
        name: warmup
      contexts:
      - context:
          cluster: warmup
          user: warmup
        name: warmup
      current-context: warmup
      users:
      - name: warmup
        user:
          token: warmup
      """;

  private StartWarmup() {}

  static void start(EnvironmentSettings settings) {
    Thread thread = new Thread(() -> run(settings), "kuberay-k3s-start-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs on the calling thread; false if a part failed (logged at debug). */
  static boolean run(EnvironmentSettings settings) {
    boolean ok = true;
    try (KubernetesClient client = ClientConfigs.client(KUBECONFIG)) {
      ok = client.getMasterUrl() != null;
    } catch (RuntimeException e) {
      logger.debug("Warming up the Kubernetes client failed", e);
      ok = false;
    }
    // Only a local bundle: a download stays where the install reports its failures.
    if (settings.manifestsDir().isPresent()
        && settings.installMethod() == InstallMethod.KUSTOMIZE) {
      try {
        ManifestSources.select(settings).kustomizeBundle(settings.kuberayVersion());
      } catch (RuntimeException e) {
        logger.debug("Reading the KubeRay bundle ahead failed", e);
        ok = false;
      }
    }
    return ok;
  }
}
