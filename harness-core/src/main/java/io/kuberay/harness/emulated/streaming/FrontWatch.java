package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.store.StoreWatch;
import io.kuberay.harness.emulated.store.WatchEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.nio.charset.StandardCharsets;

/**
 * A store watch written straight to the client's connection, in the form it asked for: a chunked
 * HTTP response of newline-separated JSON events (kubectl, client-go) or one text message per event
 * on the WebSocket the request upgraded to (fabric8). Closing the connection releases the watch.
 */
final class FrontWatch {

  private FrontWatch() {}

  /** Serves {@code watch} on the connection of {@code ctx}; the request is the watch's GET. */
  static void serve(ChannelHandlerContext ctx, FullHttpRequest request, StoreWatch watch) {
    Channel channel = ctx.channel();
    channel.closeFuture().addListener(f -> watch.close());
    if (ApiFrontHandler.isWebSocketUpgrade(request)) {
      WebSocketServerHandshaker handshaker = ApiFrontHandler.handshaker(ctx, request, null);
      if (handshaker == null) {
        watch.close();
        return;
      }
      ctx.pipeline().remove(ctx.handler());
      channel.pipeline().addLast(new WebSocketControl(true));
      handshaker
          .handshake(channel, request)
          .addListener(
              done -> {
                if (!done.isSuccess()) {
                  channel.close();
                  return;
                }
                watch.connect(
                    new StoreWatch.Connection() {
                      @Override
                      public void send(WatchEvent event) {
                        channel.writeAndFlush(new TextWebSocketFrame(event.json()));
                      }

                      @Override
                      public void end() {
                        channel.writeAndFlush(new CloseWebSocketFrame(1000, ""));
                      }
                    });
              });
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    HttpUtil.setKeepAlive(head, keepAlive);
    channel.writeAndFlush(head);
    watch.connect(
        new StoreWatch.Connection() {
          @Override
          public void send(WatchEvent event) {
            channel.writeAndFlush(
                new DefaultHttpContent(
                    Unpooled.copiedBuffer(event.json() + "\n", StandardCharsets.UTF_8)));
          }

          @Override
          public void end() {
            var last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
              last.addListener(ChannelFutureListener.CLOSE);
            }
          }
        });
  }
}
