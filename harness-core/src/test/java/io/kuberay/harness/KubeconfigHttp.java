package io.kuberay.harness;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raw requests to an environment's API as kubectl sends them: over the kubeconfig's HTTPS endpoint,
 * trusting its CA and carrying its token, for the answers a typed client hides (status codes,
 * tables, strict validation).
 */
final class KubeconfigHttp {

  private KubeconfigHttp() {}

  /**
   * Sends {@code method path} with {@code body} (null for none) and the given headers, name then
   * value.
   */
  static HttpResponse<String> send(
      KubeRayEnvironment env, String method, String path, String body, String... headers) {
    return sendAs(env, null, method, path, body, headers);
  }

  /**
   * As {@link #send}, with {@code token} (null: the kubeconfig's) as the bearer token, e.g. a
   * service account's.
   */
  static HttpResponse<String> sendAs(
      KubeRayEnvironment env,
      String token,
      String method,
      String path,
      String body,
      String... headers) {
    try {
      Config config = config(env, token);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        HttpClient http = client.getHttpClient();
        HttpRequest.Builder request =
            http.newHttpRequestBuilder().uri(config.getMasterUrl().replaceAll("/$", "") + path);
        for (int i = 0; i + 1 < headers.length; i += 2) {
          request.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
          request.method(method, "application/json", body);
        }
        return http.sendAsync(request.build(), String.class).get(60, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " " + path + " did not complete: " + e, e);
    }
  }

  /** A client of the kubeconfig's server and CA, with {@code token} (null: the kubeconfig's). */
  static KubernetesClient clientAs(KubeRayEnvironment env, String token) {
    return new KubernetesClientBuilder().withConfig(config(env, token)).build();
  }

  private static Config config(KubeRayEnvironment env, String token) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(env.kubeconfig()));
      if (token != null) {
        config.setOauthToken(token);
      }
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
