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
import org.junit.jupiter.api.Test;

/** A submission Ray refuses for want of a job agent says what it means; other errors stay Ray's. */
class NoJobAgentYetTest {

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void refusalForWantOfAnAgentNamesTheUnreadyHeadAndTheFix() throws IOException {
    // Ray 2.52's job_head.py answer when the head's agent is not registered within 10 s.
    URI dashboard = answering("No available agent to submit job, please try again later.");

    assertThatThrownBy(() -> jobs(dashboard).submit(JobSubmission.entrypoint("echo hi")))
        .isInstanceOfSatisfying(
            RayJobsException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.body()).contains("No available agent to submit job");
            })
        .hasMessageContaining(dashboard.toString())
        .hasMessageContaining("No available agent to submit job")
        .hasMessageContaining("the head is not ready yet")
        .hasMessageContaining("Nothing was submitted")
        .hasMessageContaining("Fix: wait until the head pod is Ready");
  }

  @Test
  void otherServerErrorsKeepRaysText() throws IOException {
    URI dashboard = answering("Traceback ...\nValueError: bad runtime_env");

    assertThatThrownBy(() -> jobs(dashboard).submit(JobSubmission.entrypoint("echo hi")))
        .isInstanceOf(RayJobsException.class)
        .hasMessageContaining("answered 500")
        .hasMessageContaining("ValueError: bad runtime_env")
        .hasMessageNotContaining("head is not ready");
  }

  private static RayJobsClient jobs(URI dashboard) {
    return RayJobsClient.connect(dashboard);
  }

  /** A dashboard whose {@code POST /api/jobs/} answers 500 with {@code text}, as Ray does. */
  private URI answering(String text) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/jobs/",
        exchange -> {
          byte[] body = text.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
          exchange.sendResponseHeaders(500, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }
}
