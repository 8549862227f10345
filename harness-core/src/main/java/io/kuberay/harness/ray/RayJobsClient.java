package io.kuberay.harness.ray;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client for Ray's Jobs REST API on the head's dashboard ({@code /api/jobs/…}), over {@code
 * java.net.http}.
 *
 * <pre>{@code
 * RayJobsClient jobs = RayJobsClient.connect(head.dashboardUrl());
 * String id = jobs.submit(JobSubmission.entrypoint("python -c \"print(1)\""));
 * jobs.awaitStatus(id, JobStatus.SUCCEEDED, Duration.ofMinutes(2));
 * }</pre>
 *
 * <p>Errors: {@link DashboardUnreachableException} when nothing answers; {@link RayJobsException}
 * with Ray's text for any non-2xx answer (a duplicate submission id is a 400 or 500 depending on
 * the Ray version; 401/403 from a cluster with token authentication, see {@link
 * #withAuthToken(String)}).
 */
public final class RayJobsClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_FOLLOW_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final int LOG_LINES_IN_FAILURES = 20;

  /**
   * The header KubeRay's dashboard client and submitter send the token in; Ray reads it after
   * {@code Authorization}, which a proxy in between (the API server's service proxy,
   * kube-rbac-proxy) may take for itself.
   */
  static final String AUTH_HEADER = "x-ray-authorization";

  private final URI dashboard;
  private final HttpClient http;
  private final String authToken;

  private RayJobsClient(URI dashboard, HttpClient http, String authToken) {
    this.dashboard = dashboard;
    this.http = http;
    this.authToken = authToken;
  }

  /**
   * A client for the dashboard at {@code dashboard} (e.g. {@code http://127.0.0.1:41002}); sends
   * nothing yet.
   */
  public static RayJobsClient connect(URI dashboard) {
    Objects.requireNonNull(dashboard, "dashboard");
    String s = dashboard.toString().replaceAll("/+$", "");
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException(
          "dashboard URL must be http(s)://host:port, got " + dashboard);
    }
    return new RayJobsClient(
        URI.create(s), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), null);
  }

  /**
   * This client sending {@code token} with every request ({@code x-ray-authorization: Bearer
   * <token>}, as KubeRay's dashboard client does), for a cluster with Ray token authentication
   * ({@code RAY_AUTH_MODE=token}; KubeRay's {@code authOptions.mode: token}). Without it such a
   * dashboard answers 401, with a wrong one 403.
   */
  public RayJobsClient withAuthToken(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException(
          "Ray auth token for " + dashboard + " is blank: pass the token the cluster's Ray reads");
    }
    return new RayJobsClient(dashboard, http, token);
  }

  public URI dashboard() {
    return dashboard;
  }

  /** {@code GET /api/version}. */
  public Version version() {
    JsonNode n = JobsJson.read(send("GET", "/api/version", null));
    return new Version(
        JobsJson.text(n, "version"),
        JobsJson.text(n, "ray_version"),
        JobsJson.text(n, "ray_commit"),
        JobsJson.text(n, "session_name"));
  }

  /**
   * {@code POST /api/jobs/}; returns the submission id.
   *
   * @throws RayJobsException with Ray's answer; when the head's dashboard agent is not up yet (a
   *     head that is not Ready), saying so and what to wait for
   */
  public String submit(JobSubmission job) {
    Objects.requireNonNull(job, "job");
    String body;
    try {
      body = send("POST", "/api/jobs/", JobsJson.write(job.toRequestBody()));
    } catch (RayJobsException e) {
      throw NoJobAgentYet.explain(e, dashboard);
    }
    JsonNode n = JobsJson.read(body);
    String id = JobsJson.text(n, "submission_id");
    return id != null ? id : JobsJson.text(n, "job_id");
  }

  /** {@code GET /api/jobs/{id}}; a 404 becomes a {@link RayJobsException} with status 404. */
  public JobDetails get(String id) {
    return JobsJson.job(JobsJson.read(send("GET", "/api/jobs/" + id, null)));
  }

  /** {@code GET /api/jobs/}: submission and driver jobs of this cluster. */
  public List<JobDetails> list() {
    return JobsJson.jobList(send("GET", "/api/jobs/", null));
  }

  /** {@code GET /api/jobs/{id}/logs}: the driver's output so far ({@code ""} before it starts). */
  public String logs(String id) {
    String logs =
        JobsJson.text(JobsJson.read(send("GET", "/api/jobs/" + id + "/logs", null)), "logs");
    return logs == null ? "" : logs;
  }

  /** {@link #followLogs(String, Consumer, Duration)} bounded by 10 minutes. */
  public boolean followLogs(String id, Consumer<String> chunks) {
    return followLogs(id, chunks, DEFAULT_FOLLOW_TIMEOUT);
  }

  /**
   * Streams the job's log over the WebSocket {@code /api/jobs/{id}/logs/tail}, passing each text
   * chunk (possibly several lines) to {@code chunks}, until Ray closes the socket when the job
   * ends.
   *
   * @return {@code true} if the stream ended, {@code false} if {@code timeout} passed first (the
   *     socket is then aborted)
   */
  public boolean followLogs(String id, Consumer<String> chunks, Duration timeout) {
    URI ws =
        URI.create(
            dashboard.toString().replaceFirst("^http", "ws") + "/api/jobs/" + id + "/logs/tail");
    CompletableFuture<Void> ended = new CompletableFuture<>();
    WebSocket socket;
    try {
      WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
      if (authToken != null) {
        builder.header(AUTH_HEADER, "Bearer " + authToken);
      }
      socket =
          builder
              .buildAsync(ws, new LogListener(chunks, ended))
              .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WebSocketHandshakeException h) {
        int code = h.getResponse().statusCode();
        Object body = h.getResponse().body();
        throw new RayJobsException(
            "Ray Jobs API refused to tail logs of job "
                + id
                + " ("
                + ws
                + "): HTTP "
                + code
                + " "
                + body,
            code,
            String.valueOf(body));
      }
      throw unreachable(cause);
    } catch (TimeoutException e) {
      throw new DashboardUnreachableException(dashboard, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while opening " + ws, e);
    }
    try {
      ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      socket.abort();
      return false;
    } catch (ExecutionException e) {
      socket.abort();
      return true; // the socket broke: there is nothing more to follow
    } catch (InterruptedException e) {
      socket.abort();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code POST /api/jobs/{id}/stop}; {@code false} if the job was not running. */
  public boolean stop(String id) {
    return JobsJson.read(send("POST", "/api/jobs/" + id + "/stop", ""))
        .path("stopped")
        .asBoolean(false);
  }

  /**
   * {@code DELETE /api/jobs/{id}}: removes a finished job's record; Ray answers 400/500 for a
   * running one.
   */
  public boolean delete(String id) {
    return JobsJson.read(send("DELETE", "/api/jobs/" + id, null)).path("deleted").asBoolean(false);
  }

  /**
   * Waits until the job has status {@code expected}, failing fast once it ends in another terminal
   * status.
   *
   * @throws JobStatusException naming the job, expected and actual status, Ray's message and the
   *     last {@value #LOG_LINES_IN_FAILURES} log lines
   */
  public JobDetails awaitStatus(String id, JobStatus expected, Duration timeout) {
    AtomicReference<JobDetails> last = new AtomicReference<>();
    try {
      await("Ray job " + id + " status " + expected)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL)
          .ignoreExceptionsMatching(e -> e instanceof RayJobsException r && r.statusCode() == 404)
          .failFast(
              "job ended in another status",
              () -> {
                JobDetails d = last.get();
                return d != null && d.status().isTerminal() && d.status() != expected;
              })
          .until(
              () -> {
                JobDetails d = get(id);
                last.set(d);
                return d.status() == expected;
              });
      return last.get();
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      JobDetails d = last.get();
      String how =
          e instanceof TerminalFailureException
              ? "ended with status " + d.status()
              : "did not reach it within "
                  + timeout
                  + "; last status "
                  + (d == null ? "(never seen)" : d.status());
      throw new JobStatusException(
          "Ray job "
              + id
              + " on "
              + dashboard
              + " was expected to be "
              + expected
              + " but "
              + how
              + "."
              + describe(d)
              + "\nLast "
              + LOG_LINES_IN_FAILURES
              + " log lines:\n"
              + logTail(id),
          id,
          expected,
          d == null ? null : d.status(),
          e);
    }
  }

  @Override
  public String toString() {
    return "RayJobsClient[" + dashboard + (authToken == null ? "" : ", with auth token") + "]";
  }

  /**
   * {@code GET /api/version}: the API version ({@code "4"} on 2.x) and the Ray version of the
   * cluster.
   */
  public record Version(String version, String rayVersion, String rayCommit, String sessionName) {}

  private static String describe(JobDetails d) {
    if (d == null) {
      return "";
    }
    return " Ray's message: '"
        + d.message()
        + "'"
        + (d.errorType() == null ? "" : ", error type " + d.errorType())
        + (d.driverExitCode() == null ? "" : ", driver exit code " + d.driverExitCode())
        + ", entrypoint: "
        + d.entrypoint();
  }

  private String logTail(String id) {
    try {
      String[] lines = logs(id).split("\\R");
      return String.join(
          "\n",
          Arrays.asList(lines)
              .subList(Math.max(0, lines.length - LOG_LINES_IN_FAILURES), lines.length));
    } catch (RuntimeException e) {
      return "(logs unavailable: " + e.getMessage() + ")";
    }
  }

  private String send(String method, String path, String jsonBody) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(dashboard + path)).timeout(REQUEST_TIMEOUT);
    if (authToken != null) {
      b.header(AUTH_HEADER, "Bearer " + authToken);
    }
    if (jsonBody != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + dashboard + path, e);
    }
    if (r.statusCode() / 100 != 2) {
      throw new RayJobsException(
          "Ray Jobs API "
              + method
              + " "
              + dashboard
              + path
              + " answered "
              + r.statusCode()
              + ": "
              + excerpt(r.body())
              + authHint(r.statusCode()),
          r.statusCode(),
          r.body());
    }
    try {
      JobsJson.read(r.body()); // fail here, with context, if it is not JSON
    } catch (JacksonException e) {
      throw new RayJobsException(
          "Ray Jobs API "
              + method
              + " "
              + dashboard
              + path
              + " answered with non-JSON: "
              + excerpt(r.body()),
          r.statusCode(),
          r.body(),
          e);
    }
    return r.body();
  }

  private RuntimeException unreachable(Throwable cause) {
    if (cause instanceof ConnectException
        || cause instanceof HttpConnectTimeoutException
        || cause instanceof ClosedChannelException
        || (cause instanceof IOException && cause.getCause() instanceof ConnectException)) {
      return new DashboardUnreachableException(dashboard, cause);
    }
    return new RayJobsException("Ray Jobs API at " + dashboard + " failed: " + cause, 0, "", cause);
  }

  /** What to do about Ray token authentication's 401 (no token) and 403 (a wrong one). */
  private String authHint(int status) {
    if (status == 401 && authToken == null) {
      return " (the cluster runs Ray token authentication: use RayClusterHandle.jobsClient(),"
          + " which reads the token from the cluster's auth Secret, or withAuthToken(token))";
    }
    if (status == 403 && authToken != null) {
      return " (the token sent is not the one the cluster's Ray reads from RAY_AUTH_TOKEN)";
    }
    return "";
  }

  /** Ray's error bodies are Python tracebacks; the last lines carry the message. */
  private static String excerpt(String body) {
    String trimmed = body == null ? "" : body.strip();
    return trimmed.length() <= 600 ? trimmed : "…" + trimmed.substring(trimmed.length() - 600);
  }

  private static final class LogListener implements WebSocket.Listener {
    private final Consumer<String> chunks;
    private final CompletableFuture<Void> ended;
    private final StringBuilder partial = new StringBuilder();

    LogListener(Consumer<String> chunks, CompletableFuture<Void> ended) {
      this.chunks = chunks;
      this.ended = ended;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String chunk = partial.toString();
        partial.setLength(0);
        chunks.accept(chunk);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ended.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended.completeExceptionally(error);
    }
  }
}
