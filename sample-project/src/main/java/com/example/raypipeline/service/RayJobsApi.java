package com.example.raypipeline.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's view of the Ray Jobs API at {@code ray-pipeline.ray-address}. */
public class RayJobsApi {

  private static final Pattern RAY_VERSION = Pattern.compile("\"ray_version\"\\s*:\\s*\"([^\"]+)\"");

  private final URI address;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public RayJobsApi(URI address) {
    this.address = address;
  }

  public URI address() {
    return address;
  }

  /** The Ray version the Jobs API reports ({@code GET /api/version}). */
  public String rayVersion() {
    HttpRequest request = HttpRequest.newBuilder(address.resolve("/api/version")).timeout(Duration.ofSeconds(10)).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      Matcher m = RAY_VERSION.matcher(response.body());
      if (response.statusCode() != 200 || !m.find()) {
        throw new IllegalStateException("Ray Jobs API at " + address + " answered " + response.statusCode() + ": " + response.body());
      }
      return m.group(1);
    } catch (IOException e) {
      throw new IllegalStateException("Ray Jobs API at " + address + " is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking " + address, e);
    }
  }
}
