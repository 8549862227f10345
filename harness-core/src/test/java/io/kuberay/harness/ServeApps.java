package io.kuberay.harness;

import io.kuberay.harness.rayservice.RayServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The test Serve applications (test resources serve/apps) and a small HTTP helper for their
 * answers.
 */
final class ServeApps {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ServeApps() {}

  /** The directory with greeter.py and broken.py, put on the pods' PYTHONPATH. */
  static Path directory() {
    try {
      return Path.of(ServeApps.class.getResource("/serve/apps/greeter.py").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The greeter RayService, its applications importable from {@link #directory()}. */
  static RayServiceSpec greeter() {
    return RayServiceSpec.fromYaml(resource("/serve/rayservice-greeter.yaml"))
        .withPythonPath(directory());
  }

  static String resource(String name) {
    try (InputStream in = ServeApps.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET base+path. */
  static HttpResponse<String> get(URI base, String path) {
    return get(base, path, Duration.ofSeconds(10));
  }

  /** GET base+path, waiting up to {@code timeout} for the answer. */
  static HttpResponse<String> get(URI base, String path, Duration timeout) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
