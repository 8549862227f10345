package io.kuberay.harness.k3s;

import io.kuberay.harness.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the Docker engine {@code GET /_ping} before Testcontainers is touched, so that a stopped or
 * missing engine fails in seconds with a message saying what to do, instead of after
 * Testcontainers' own strategy search. Understands {@code unix://} and {@code tcp://} hosts; any
 * other scheme is left to Testcontainers.
 */
final class DockerPreflight {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private DockerPreflight() {}

  /** The engine address Testcontainers will use: {@code DOCKER_HOST}, else the default socket. */
  static String dockerHost() {
    String env = System.getenv("DOCKER_HOST");
    return env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env.trim();
  }

  /** Fails when the engine at {@code host} does not answer the ping within {@code timeout}. */
  static void requireDocker(String host, Duration timeout) {
    problem(host, timeout)
        .ifPresent(
            p -> {
              throw new BackendUnavailableException(
                  "The k3s backend needs a Docker engine, but " + p,
                  "Start Docker (e.g. 'dockerd &' or 'systemctl start docker'), point DOCKER_HOST at a running engine,"
                      + " or run without Docker on the emulated backend (kuberay.backend=emulated).");
            });
  }

  /** Why the engine at {@code host} is not usable, or empty when it answered the ping. */
  static Optional<String> problem(String host, Duration timeout) {
    URI uri = URI.create(host);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    CompletableFuture<String> ping =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                switch (scheme) {
                  case "unix":
                    return pingUnix(Path.of(uri.getPath()));
                  case "tcp":
                  case "http":
                    return pingTcp(
                        uri.getHost(),
                        uri.getPort() < 0 ? 2375 : uri.getPort(),
                        (int) timeout.toMillis());
                  default:
                    return "OK";
                }
              } catch (IOException e) {
                return e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
              }
            });
    try {
      String answer = ping.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (answer.startsWith("OK")) {
        return Optional.empty();
      }
      return Optional.of("Docker at " + host + " is not reachable (" + answer + ")");
    } catch (TimeoutException e) {
      ping.cancel(true);
      return Optional.of(
          "Docker at " + host + " did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return Optional.of("Docker at " + host + " is not reachable (" + e.getCause() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while asking Docker at " + host);
    }
  }

  private static String pingUnix(Path socket) throws IOException {
    if (!Files.exists(socket)) {
      return "no socket at " + socket;
    }
    return verdict(
        new String(DockerEngineApi.exchange(socket, request()), StandardCharsets.US_ASCII));
  }

  private static String pingTcp(String host, int port, int timeoutMs) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(request());
      out.flush();
      InputStream in = socket.getInputStream();
      return verdict(new String(in.readNBytes(4096), StandardCharsets.US_ASCII));
    }
  }

  private static byte[] request() {
    return "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  private static String verdict(String response) {
    if (response.startsWith("HTTP/1.") && response.contains(" 200 ")) {
      return "OK";
    }
    String first = response.lines().findFirst().orElse("no answer");
    return "unexpected answer to /_ping: " + first;
  }
}
