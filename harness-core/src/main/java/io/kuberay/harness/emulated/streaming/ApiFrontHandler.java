package io.kuberay.harness.emulated.streaming;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kuberay.harness.emulated.api.ApiDispatcher;
import io.kuberay.harness.emulated.api.WatchSocket;
import io.kuberay.harness.emulated.api.rbac.UserInfo;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link ApiFront}: every request must carry the environment's bearer
 * token or a service account's (else 401, as kube-apiserver answers, and nothing runs) and be
 * allowed by RBAC for that identity (else 403); then the streaming upgrades of {@code pods/exec}
 * and {@code pods/portforward} go to {@link StreamUpgrades}, {@code pods/log} to {@link LogStream},
 * watches to {@link FrontWatch}, and every other request to the {@link ApiDispatcher}, called on
 * the connection's event loop: its work is in memory and short.
 */
final class ApiFrontHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  static final String NAME = "api";
  static final String HTTP_CODEC = "http";
  static final String AGGREGATOR = "aggregator";

  /**
   * The largest WebSocket message a client may send; SPDY frames tunneled by kubectl stay far
   * below.
   */
  static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ApiFrontHandler.class);
  private static final Pattern STREAM_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)/?$");
  private static final Pattern LOG_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log/?$");

  /** What every connection shares. */
  record Context(
      ApiDispatcher dispatcher,
      PodStreams pods,
      ApiCredentials credentials,
      EventExecutorGroup streams,
      ExecutorService sessions) {}

  private final Context context;

  ApiFrontHandler(Context context) {
    this.context = context;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(
          ctx,
          request,
          ApiErrors.status(
              400, "BadRequest", "malformed HTTP request: " + request.decoderResult().cause()));
      return;
    }
    Optional<UserInfo> user =
        context.credentials().authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    if (user.isEmpty()) {
      respond(ctx, request, ApiErrors.status(401, "Unauthorized", "Unauthorized"));
      return;
    }
    String uri = request.uri();
    // Authorized before anything runs, streaming and watches included, as kube-apiserver's filter
    // chain does.
    Optional<MockResponse> refused =
        context.dispatcher().refusal(user.get(), request.method().name(), uri);
    if (refused.isPresent()) {
      respond(ctx, request, refused.get());
      return;
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    QueryString query = new QueryString(q < 0 ? "" : uri.substring(q + 1));
    Matcher streaming = STREAM_PATH.matcher(path);
    if (streaming.matches() && isUpgrade(request)) {
      new StreamUpgrades(context)
          .upgrade(ctx, request, streaming.group(1), streaming.group(2), streaming.group(3), query);
      return;
    }
    Matcher log = LOG_PATH.matcher(path);
    if (log.matches() && "GET".equals(request.method().name()) && !isUpgrade(request)) {
      new LogStream(
              context.pods(),
              ctx.channel(),
              log.group(1),
              log.group(2),
              query,
              HttpUtil.isKeepAlive(request))
          .run();
      return;
    }
    MockResponse response = context.dispatcher().dispatch(recorded(request, uri), user.get());
    if (response.getWebSocketListener() instanceof WatchSocket watch) {
      FrontWatch.serve(ctx, request, watch.watch());
      return;
    }
    if (response.getWebSocketListener() != null) {
      respond(
          ctx,
          request,
          ApiErrors.status(
              500,
              "InternalError",
              "emulated API server: an upgrade the front does not serve for " + path));
      return;
    }
    respond(ctx, request, response);
  }

  private static RecordedRequest recorded(FullHttpRequest request, String uri) {
    Headers.Builder headers = Headers.builder();
    request.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    byte[] body = request.content().isReadable() ? ByteBufUtil.getBytes(request.content()) : null;
    return new RecordedRequest(
        "HTTP/1.1",
        HttpMethod.valueOf(request.method().name()),
        uri,
        headers.build(),
        new Buffer(body));
  }

  /** Writes a dispatcher response; the connection stays open when the client keeps it alive. */
  static void respond(ChannelHandlerContext ctx, HttpRequest request, MockResponse response) {
    byte[] body = response.getBody() == null ? new byte[0] : response.getBody().getBytes();
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.code()),
            Unpooled.wrappedBuffer(body));
    response.getHeaders().toMultimap().forEach((name, values) -> out.headers().add(name, values));
    HttpUtil.setContentLength(out, body.length);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(out, keepAlive);
    var written = ctx.writeAndFlush(out);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  static boolean isUpgrade(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.UPGRADE)
        && headerValues(request, HttpHeaderNames.CONNECTION.toString()).stream()
            .anyMatch("upgrade"::equalsIgnoreCase);
  }

  static boolean isWebSocketUpgrade(HttpRequest request) {
    return isUpgrade(request)
        && "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
  }

  /** All values of a header, comma-separated lists split. */
  static List<String> headerValues(HttpRequest request, String name) {
    List<String> out = new ArrayList<>();
    for (String v : request.headers().getAll(name)) {
      Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    }
    return out;
  }

  /**
   * A handshaker that accepts only {@code subprotocol} (null: none), so the emulator's own
   * preference decides ({@link ChannelProtocol#negotiate}); null after answering a WebSocket
   * version it cannot speak.
   */
  static WebSocketServerHandshaker handshaker(
      ChannelHandlerContext ctx, FullHttpRequest request, String subprotocol) {
    String location =
        "wss://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(location, subprotocol, false, MAX_MESSAGE)
            .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
    }
    return handshaker;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("emulated API connection failed", cause);
    ctx.close();
  }
}
