package io.kuberay.harness.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One request to the API's HTTPS front, through the kubeconfig {@code up} wrote, before it says it
 * is serving: the server's first TLS handshake in a cold JVM costs about 1.2 s on a quiet machine
 * (kubectl's first call drops from 1.5 s to 0.2 s after it), ten times that under load, past helm's
 * 10 s TLS handshake timeout. Best effort: a failure here is left to the user's own call.
 */
final class FrontWarmup {

  private FrontWarmup() {}

  /** The HTTP status of {@code GET /version}, or -1 when the request could not be made. */
  static int warm(Path kubeconfig) {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build()) {
      client.getKubernetesVersion();
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode() > 0 ? e.getCode() : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
