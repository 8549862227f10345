package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.emulated.store.ApiErrors;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.List;
import java.util.Optional;

/**
 * The streaming upgrades kubectl makes, each turned into a pipeline of Netty's codecs in front of
 * the session logic: exec over WebSocket {@code v5}/{@code v4.channel.k8s.io} ({@link
 * ExecSession}); port-forward over WebSocket {@code SPDY/3.1+portforward.k8s.io} (kubectl 1.31+'s
 * default: SPDY frames tunneled in binary messages) and over a raw {@code SPDY/3.1} upgrade with
 * {@code X-Stream-Protocol-Version: portforward.k8s.io} (kubectl with {@code
 * KUBECTL_PORT_FORWARD_WEBSOCKETS=false}), both served by {@link PortForwardSession}.
 */
final class StreamUpgrades {

  static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
  static final String TUNNELED_PORT_FORWARD = "SPDY/3.1+" + PORT_FORWARD_PROTOCOL;

  private final ApiFrontHandler.Context context;

  StreamUpgrades(ApiFrontHandler.Context context) {
    this.context = context;
  }

  void upgrade(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      String namespace,
      String name,
      String subresource,
      QueryString query) {
    Optional<Pod> found = context.pods().pod(namespace, name);
    if (found.isEmpty()) {
      reject(ctx, request, 404, "NotFound", "pods \"" + name + "\" not found");
      return;
    }
    Pod pod = found.get();
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    boolean websocket = "websocket".equalsIgnoreCase(upgrade);
    List<String> protocols =
        ApiFrontHandler.headerValues(request, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.toString());
    if ("exec".equals(subresource) && websocket) {
      String protocol = ChannelProtocol.negotiate(protocols);
      if (protocol == null) {
        reject(
            ctx,
            request,
            400,
            "BadRequest",
            "exec needs one of the WebSocket subprotocols "
                + ChannelProtocol.SUPPORTED
                + "; offered: "
                + protocols);
        return;
      }
      exec(ctx, request, pod, ExecSession.ExecRequest.from(query), protocol);
    } else if ("portforward".equals(subresource) && websocket) {
      if (!protocols.contains(TUNNELED_PORT_FORWARD)) {
        reject(
            ctx,
            request,
            400,
            "BadRequest",
            "port-forward needs the WebSocket subprotocol "
                + TUNNELED_PORT_FORWARD
                + "; offered: "
                + protocols);
        return;
      }
      tunneledPortForward(ctx, request, pod);
    } else if ("portforward".equals(subresource) && "SPDY/3.1".equalsIgnoreCase(upgrade)) {
      if (!ApiFrontHandler.headerValues(request, "X-Stream-Protocol-Version")
          .contains(PORT_FORWARD_PROTOCOL)) {
        reject(
            ctx,
            request,
            403,
            "Forbidden",
            "port-forward needs X-Stream-Protocol-Version " + PORT_FORWARD_PROTOCOL);
        return;
      }
      spdyPortForward(ctx, pod);
    } else {
      reject(
          ctx,
          request,
          400,
          "BadRequest",
          "the emulated API server serves pods/exec over WebSocket ("
              + String.join(", ", ChannelProtocol.SUPPORTED)
              + ") and pods/portforward over WebSocket ("
              + TUNNELED_PORT_FORWARD
              + ") or SPDY/3.1; pods/"
              + subresource
              + " with Upgrade: "
              + upgrade
              + " is not emulated");
    }
  }

  private void exec(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      Pod pod,
      ExecSession.ExecRequest exec,
      String protocol) {
    WebSocketServerHandshaker handshaker = ApiFrontHandler.handshaker(ctx, request, protocol);
    if (handshaker == null) {
      return;
    }
    Channel channel = ctx.channel();
    ExecSession session =
        new ExecSession(
            new ExecSession.WebSocketClient(channel),
            context.pods(),
            pod,
            exec,
            context.sessions());
    ctx.pipeline().remove(ctx.handler());
    channel
        .pipeline()
        .addLast(new WebSocketControl(false))
        .addLast(new WebSocketFrameAggregator(ApiFrontHandler.MAX_MESSAGE))
        .addLast(new ExecInput(session));
    handshaker
        .handshake(channel, request)
        .addListener(
            done -> {
              if (done.isSuccess()) {
                context.sessions().execute(session::run);
              } else {
                channel.close();
              }
            });
  }

  private void tunneledPortForward(ChannelHandlerContext ctx, FullHttpRequest request, Pod pod) {
    WebSocketServerHandshaker handshaker =
        ApiFrontHandler.handshaker(ctx, request, TUNNELED_PORT_FORWARD);
    if (handshaker == null) {
      return;
    }
    Channel channel = ctx.channel();
    ctx.pipeline().remove(ctx.handler());
    channel
        .pipeline()
        .addLast(new WebSocketControl(false))
        .addLast(new WebSocketTunnel())
        .addLast(new TunneledSpdyCodec())
        .addLast(context.streams(), new PortForwardSession(context.pods(), pod));
    handshaker
        .handshake(channel, request)
        .addListener(
            done -> {
              if (!done.isSuccess()) {
                channel.close();
              }
            });
  }

  private void spdyPortForward(ChannelHandlerContext ctx, Pod pod) {
    FullHttpResponse switching =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching
        .headers()
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
        .set("X-Stream-Protocol-Version", PORT_FORWARD_PROTOCOL);
    // On the event loop, the answer is encoded before the HTTP codec leaves the pipeline; bytes the
    // client
    // already sent after its request go on to the SPDY codec that takes the HTTP codec's place.
    ctx.writeAndFlush(switching);
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(ApiFrontHandler.AGGREGATOR);
    pipeline.remove(ctx.handler());
    pipeline.addLast(context.streams(), new PortForwardSession(context.pods(), pod));
    pipeline.replace(ApiFrontHandler.HTTP_CODEC, "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  }

  /**
   * Netty's SPDY codec, letting non-SPDY writes pass: the handshake's 101 answer is written through
   * the pipeline after the tunnel's handlers are in place (so no early frame of the client is
   * missed).
   */
  static final class TunneledSpdyCodec extends SpdyFrameCodec {
    TunneledSpdyCodec() {
      super(SpdyVersion.SPDY_3_1);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof SpdyFrame) {
        super.write(ctx, msg, promise);
      } else {
        ctx.write(msg, promise);
      }
    }
  }

  /** An upgrade refused with a Kubernetes Status body, which kubectl prints. */
  private static void reject(
      ChannelHandlerContext ctx, FullHttpRequest request, int code, String reason, String message) {
    ApiFrontHandler.respond(ctx, request, ApiErrors.status(code, reason, message));
  }
}
