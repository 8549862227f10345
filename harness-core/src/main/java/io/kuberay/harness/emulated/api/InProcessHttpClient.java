package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpHeaders;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import io.fabric8.kubernetes.client.http.WebSocketUpgradeResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fabric8 HTTP client whose requests go straight to the emulated API's dispatcher in the same
 * JVM: what the emulator's own operator, node and event recorders use. Their requests take the same
 * code path as any client's (admission, validation, the store, watches) but skip sockets, HTTP
 * framing and Vert.x, which were about 95% of a request's cost (a GET: ~300 µs over loopback, ~5 µs
 * dispatched).
 */
final class InProcessHttpClient
    extends StandardHttpClient<
        InProcessHttpClient, InProcessHttpClient.Factory, InProcessHttpClient.Builder> {

  private final ApiDispatcher dispatcher;
  private final Executor delivery;

  private InProcessHttpClient(
      Builder builder, AtomicBoolean closed, ApiDispatcher dispatcher, Executor delivery) {
    super(builder, closed);
    this.dispatcher = dispatcher;
    this.delivery = delivery;
  }

  @Override
  public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(
      StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    MockResponse response = dispatcher.dispatch(toRecorded(request, false));
    if (response.getWebSocketListener() != null) {
      // A watch asked for over plain HTTP: fabric8 watches over WebSockets, so this client never
      // does.
      return CompletableFuture.failedFuture(
          new IOException("the in-process client serves watches over WebSockets only"));
    }
    byte[] body = response.getBody() == null ? new byte[0] : response.getBody().getBytes();
    return CompletableFuture.completedFuture(
        new Response(request, response, new Body(body, consumer)));
  }

  @Override
  public CompletableFuture<WebSocketResponse> buildWebSocketDirect(
      StandardWebSocketBuilder builder, WebSocket.Listener listener) {
    StandardHttpRequest request = builder.asHttpRequest();
    RecordedRequest recorded = toRecorded(request, true);
    MockResponse response = dispatcher.dispatch(recorded);
    if (response.getWebSocketListener() == null) {
      WebSocketUpgradeResponse refused =
          new WebSocketUpgradeResponse(
              request, response.code(), response.getHeaders().toMultimap());
      return CompletableFuture.completedFuture(
          new WebSocketResponse(
              refused, new IOException("upgrade refused with " + response.code())));
    }
    InProcessWebSocket socket =
        new InProcessWebSocket(recorded, response.getWebSocketListener(), listener, delivery);
    CompletableFuture<WebSocketResponse> opened =
        CompletableFuture.completedFuture(
            new WebSocketResponse(new WebSocketUpgradeResponse(request), socket.clientSide()));
    socket.open();
    return opened;
  }

  private static RecordedRequest toRecorded(StandardHttpRequest request, boolean upgrade) {
    Headers.Builder headers = Headers.builder();
    request.headers().forEach((k, values) -> values.forEach(v -> headers.add(k, v)));
    if (request.getContentType() != null) {
      headers.set("Content-Type", request.getContentType());
    }
    if (upgrade) {
      headers.set("Upgrade", "websocket").set("Connection", "Upgrade");
    }
    URI uri = request.uri();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new RecordedRequest(
        "HTTP/1.1",
        HttpMethod.valueOf(request.method()),
        path,
        headers.build(),
        new Buffer(bodyBytes(request)));
  }

  private static byte[] bodyBytes(StandardHttpRequest request) {
    StandardHttpRequest.BodyContent body = request.body();
    if (body instanceof StandardHttpRequest.StringBodyContent s) {
      return s.getContent().getBytes(StandardCharsets.UTF_8);
    }
    if (body instanceof StandardHttpRequest.ByteArrayBodyContent b) {
      return b.getContent();
    }
    if (body instanceof StandardHttpRequest.InputStreamBodyContent i) {
      try {
        return i.getContent().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  @Override
  protected void doClose() {
    // Nothing is held: the dispatcher belongs to the API server.
  }

  /** The response body, handed over in one piece when the consumer asks for it. */
  private static final class Body implements AsyncBody {
    private final byte[] bytes;
    private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Body(byte[] bytes, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      this.bytes = bytes;
      this.consumer = consumer;
    }

    @Override
    public void consume() {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      try {
        if (bytes.length > 0) {
          consumer.consume(List.of(ByteBuffer.wrap(bytes)), this);
        }
        done.complete(null);
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    }

    @Override
    public CompletableFuture<Void> done() {
      return done;
    }

    @Override
    public void cancel() {
      done.cancel(false);
    }
  }

  private static final class Response extends StandardHttpHeaders
      implements HttpResponse<AsyncBody> {
    private final HttpRequest request;
    private final int code;
    private final AsyncBody body;

    Response(HttpRequest request, MockResponse response, AsyncBody body) {
      super(response.getHeaders().toMultimap());
      this.request = request;
      this.code = response.code();
      this.body = body;
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public AsyncBody body() {
      return body;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public Optional<HttpResponse<?>> previousResponse() {
      return Optional.empty();
    }
  }

  /** Builds in-process clients; TLS, proxies and authentication have nothing to do here. */
  static final class Builder
      extends StandardHttpClientBuilder<InProcessHttpClient, Factory, Builder> {
    Builder(Factory factory) {
      super(factory);
    }

    @Override
    public InProcessHttpClient build() {
      AtomicBoolean closed = client == null ? new AtomicBoolean() : client.getClosed();
      return new InProcessHttpClient(
          this, closed, clientFactory.dispatcher, clientFactory.delivery);
    }

    @Override
    protected Builder newInstance(Factory factory) {
      return new Builder(factory);
    }
  }

  /**
   * The factory a {@code KubernetesClientBuilder} takes: every client it makes talks to {@code
   * dispatcher}.
   */
  static final class Factory implements HttpClient.Factory {
    private final ApiDispatcher dispatcher;
    private final Executor delivery;

    /**
     * @param delivery where WebSocket messages reach the client's listeners, each socket in order
     */
    Factory(ApiDispatcher dispatcher, Executor delivery) {
      this.dispatcher = dispatcher;
      this.delivery = delivery;
    }

    @Override
    public Builder newBuilder() {
      return new Builder(this);
    }

    /**
     * Only the request settings (retries, timeouts) of fabric8's common configuration: no TLS,
     * proxy or token refresh to set up in-process.
     */
    @Override
    public HttpClient.Builder newBuilder(Config config) {
      Builder builder = newBuilder();
      builder.tag(config.getRequestConfig());
      return builder;
    }
  }
}
