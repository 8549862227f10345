package io.kuberay.harness.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client for a dashboard with Ray token authentication sends the token as KubeRay does, and Ray's
 * 401/403 say what to do. The server answers as Ray 2.52's {@code token_auth_middleware}.
 */
class RayJobsClientAuthTest {

  private static final String TOKEN = "s3cret";
  private HttpServer server;
  private URI dashboard;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String header = exchange.getRequestHeaders().getFirst("x-ray-authorization");
          int status;
          String body;
          if (header == null) {
            status = 401;
            body = "Unauthorized: Missing authentication token";
          } else if (!header.equals("Bearer " + TOKEN)) {
            status = 403;
            body = "Forbidden: Invalid authentication token";
          } else {
            status = 200;
            body = "[]";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    dashboard = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theTokenGoesInKubeRaysHeader() {
    assertThat(RayJobsClient.connect(dashboard).withAuthToken(TOKEN).list()).isEmpty();
  }

  @Test
  void withoutATokenThe401NamesTheWayToSendIt() {
    assertThatThrownBy(() -> RayJobsClient.connect(dashboard).list())
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(401))
        .hasMessageContaining("Missing authentication token")
        .hasMessageContaining("RayClusterHandle.jobsClient()")
        .hasMessageContaining("withAuthToken");
  }

  @Test
  void aWrongTokenGets403SayingSo() {
    assertThatThrownBy(() -> RayJobsClient.connect(dashboard).withAuthToken("other").list())
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403))
        .hasMessageContaining("Invalid authentication token")
        .hasMessageContaining("not the one the cluster's Ray reads");
  }

  @Test
  void aBlankTokenIsRefusedAtOnce() {
    assertThatThrownBy(() -> RayJobsClient.connect(dashboard).withAuthToken(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }
}
