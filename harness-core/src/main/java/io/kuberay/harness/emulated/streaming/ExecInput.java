package io.kuberay.harness.emulated.streaming;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * What an exec client sends, handed to its {@link ExecSession}: each whole binary message (after
 * Netty's aggregator has joined fragments), and the connection's end. Text messages have no meaning
 * in the channel protocol and are dropped.
 */
final class ExecInput extends SimpleChannelInboundHandler<WebSocketFrame> {

  private final ExecSession session;

  ExecInput(ExecSession session) {
    this.session = session;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof BinaryWebSocketFrame) {
      session.received(ByteBufUtil.getBytes(frame.content()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.clientClosed();
    ctx.fireChannelInactive();
  }
}
