package io.kuberay.harness.cli;

import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One request to the API's HTTPS front, as the kubeconfig describes it, before {@code up} says it
 * is serving: the server's first TLS handshake in a cold JVM costs about 1.2 s on a quiet machine
 * (kubectl's first call drops from 1.5 s to 0.2 s after it), ten times that under load, past helm's
 * 10 s TLS handshake timeout. Best effort: a failure here is left to the user's own call.
 */
final class FrontWarmup {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private FrontWarmup() {}

  /** The HTTP status of {@code GET /version}, or -1 when the request failed. */
  static int warm(Path kubeconfig) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      HttpClient http =
          HttpClient.newBuilder()
              .sslContext(trusting(config.getCaCertData()))
              .connectTimeout(TIMEOUT)
              .build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(config.getMasterUrl()).resolve("/version"))
              .header(
                  "Authorization",
                  "Bearer "
                      + (config.getOauthToken() != null
                          ? config.getOauthToken()
                          : config.getAutoOAuthToken()))
              .timeout(TIMEOUT)
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static SSLContext trusting(String caCertData)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry(
        "kuberay-harness-ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(caCertData))));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
