package io.kuberay.harness.emulated.streaming;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The WebSocket control frames of a served upgrade: pings answered; the peer's close answered
 * (unless this side closed first) and the connection ended. Data frames go on to the next handler,
 * or are dropped when the session reads nothing from the client (a watch).
 */
final class WebSocketControl extends ChannelDuplexHandler {

  private final boolean dropData;
  private volatile boolean closeSent;

  WebSocketControl(boolean dropData) {
    this.dropData = dropData;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (msg instanceof CloseWebSocketFrame close) {
      int code = close.statusCode() < 0 ? 1000 : close.statusCode();
      close.release();
      if (closeSent) {
        ctx.close();
      } else {
        ctx.writeAndFlush(new CloseWebSocketFrame(code, ""))
            .addListener(ChannelFutureListener.CLOSE);
      }
    } else if (msg instanceof PongWebSocketFrame || dropData) {
      ReferenceCountUtil.release(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof CloseWebSocketFrame) {
      closeSent = true;
    }
    ctx.write(msg, promise);
  }
}
