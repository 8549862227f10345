package io.kuberay.harness.emulated.operator.rayservice;

import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.Maps;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The two Serve calls KubeRay's dashboard client makes for a RayService: {@code PUT
 * /api/serve/applications/} with the serveConfigV2 as JSON, and {@code GET
 * /api/serve/applications/} for the applications' statuses. Errors carry the operator's wording
 * ({@code UpdateDeployments fail: <status> <body>}).
 */
final class ServeDashboard {

  static final String PATH = "/api/serve/applications/";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI dashboard;
  private final Optional<String> token;

  /** {@code token}: the cluster's Ray auth token, sent as KubeRay's client sends it. */
  ServeDashboard(URI dashboard, Optional<String> token) {
    this.dashboard = dashboard;
    this.token = token;
  }

  /**
   * KubeRay's readiness check of a head's Serve proxy: {@code GET /-/healthz} answers 200. Here,
   * not in the controller, so that the HTTP client (and the JDK's TLS set-up it brings) loads with
   * the first RayService, not with every operator install.
   */
  static boolean proxyHealthy(URI proxy) {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(proxy.resolve("/-/healthz"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Submits the config; throws {@link ServeException} with the operator's message on a non-2xx
   * answer.
   */
  void updateDeployments(String configJson) {
    HttpRequest request =
        authorized(HttpRequest.newBuilder(dashboard.resolve(PATH)))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(configJson))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() < 200 || response.statusCode() > 299) {
      throw new ServeException(
          "UpdateDeployments fail: " + status(response) + " " + response.body());
    }
  }

  /**
   * Application name → {status, message, deployments: name → {status, message}}, from the serve
   * details.
   */
  Map<String, Map<String, Object>> applications() {
    HttpResponse<String> response =
        send(
            authorized(HttpRequest.newBuilder(dashboard.resolve(PATH)))
                .timeout(TIMEOUT)
                .GET()
                .build());
    if (response.statusCode() != 200) {
      throw new ServeException("GetServeDetails fail: " + status(response) + " " + response.body());
    }
    Map<String, Object> details;
    try {
      details = Json.readObject(response.body());
    } catch (RuntimeException e) {
      throw new ServeException(
          "GetServeDetails failed. Failed to unmarshal bytes: " + response.body());
    }
    Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
    Maps.map(details.get("applications")).forEach((name, app) -> apps.put(name, Maps.map(app)));
    return apps;
  }

  /** {@code x-ray-authorization: Bearer <token>}, KubeRay's header, when the cluster has one. */
  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    token.ifPresent(t -> request.header("x-ray-authorization", "Bearer " + t));
    return request;
  }

  private static String status(HttpResponse<String> response) {
    // Go prints resp.Status as "400 Bad Request".
    return response.statusCode()
        + " "
        + switch (response.statusCode()) {
          case 400 -> "Bad Request";
          case 401 -> "Unauthorized";
          case 403 -> "Forbidden";
          case 404 -> "Not Found";
          case 500 -> "Internal Server Error";
          case 503 -> "Service Unavailable";
          default -> "";
        };
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServeException(request.method() + " \"" + request.uri() + "\": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServeException("interrupted");
    }
  }

  /** A failed dashboard call, with the text the operator puts in its event. */
  static final class ServeException extends RuntimeException {
    ServeException(String message) {
      super(message);
    }
  }
}
