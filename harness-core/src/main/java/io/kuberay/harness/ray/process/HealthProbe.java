package io.kuberay.harness.ray.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One HTTP GET like KubeRay's probe {@code wget -T 2 -q -O- <url> | grep success}; returns what it
 * saw.
 */
final class HealthProbe {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HealthProbe() {}

  /** {@code "success"} when healthy, otherwise a short description of what was seen. */
  static String check(URI url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      String body = r.body().strip();
      if (r.statusCode() == 200 && body.contains("success")) {
        return "success";
      }
      return "HTTP "
          + r.statusCode()
          + " "
          + (body.length() > 120 ? body.substring(0, 120) + "…" : body);
    } catch (IOException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
