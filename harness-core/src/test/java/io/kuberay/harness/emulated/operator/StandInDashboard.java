package io.kuberay.harness.emulated.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in Ray dashboard for the RayJob controller's tests: {@code POST /api/jobs/} accepts a
 * submission (counted), {@code GET /api/jobs/<id>} reports every job as scripted — a status with
 * its message and times, Ray's 404 for a job it does not know, or a 500 with a text body as a
 * dashboard that fails.
 */
final class StandInDashboard implements AutoCloseable {

  /** What {@code GET /api/jobs/<id>} answers. */
  enum Answer {
    JOB,
    NOT_FOUND,
    ERROR
  }

  private final HttpServer server;
  private final AtomicInteger submissions = new AtomicInteger();

  private volatile Answer answer = Answer.JOB;
  private volatile String status = "RUNNING";
  private volatile String message = "Job is currently running.";
  private volatile Instant start = Instant.parse("2025-12-02T14:40:00.123Z");
  private volatile Instant end;

  StandInDashboard() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/jobs/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every job is known, with this status and message, started and (null: not) ended then. */
  StandInDashboard job(String status, String message, Instant end) {
    this.status = status;
    this.message = message;
    this.end = end;
    this.answer = Answer.JOB;
    return this;
  }

  StandInDashboard answer(Answer answer) {
    this.answer = answer;
    return this;
  }

  /** How many submissions it has accepted. */
  int submissions() {
    return submissions.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    if ("POST".equals(exchange.getRequestMethod())) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Matcher id = Pattern.compile("\"submission_id\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
      submissions.incrementAndGet();
      send(exchange, 200, "{\"submission_id\": \"" + (id.find() ? id.group(1) : "x") + "\"}");
      return;
    }
    String id = exchange.getRequestURI().getPath().substring("/api/jobs/".length());
    switch (answer) {
      case NOT_FOUND -> send(exchange, 404, "Job " + id + " does not exist");
      case ERROR -> send(exchange, 500, "Internal Server Error: the stand-in dashboard fails");
      case JOB ->
          send(
              exchange,
              200,
              "{\"type\": \"SUBMISSION\", \"job_id\": \"02000000\", \"submission_id\": \""
                  + id
                  + "\", \"status\": \""
                  + status
                  + "\", \"entrypoint\": \"echo hi\", \"message\": \""
                  + message
                  + "\", \"start_time\": "
                  + start.toEpochMilli()
                  + ", \"end_time\": "
                  + (end == null ? "null" : String.valueOf(end.toEpochMilli()))
                  + ", \"metadata\": {}, \"runtime_env\": {}}");
    }
  }

  private static void send(HttpExchange exchange, int code, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .add("Content-Type", code == 200 ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
