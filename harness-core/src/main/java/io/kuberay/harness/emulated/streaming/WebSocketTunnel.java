package io.kuberay.harness.emulated.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * A byte stream carried in binary WebSocket messages, how kubectl 1.31+ tunnels SPDY ({@code
 * SPDY/3.1+portforward.k8s.io}): inbound message payloads become plain bytes for the codec behind
 * (an inner frame may span messages), and every outbound buffer becomes one binary message.
 */
final class WebSocketTunnel extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
    out.add(new BinaryWebSocketFrame(bytes.retain()));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
      out.add(frame.content().retain());
    }
    // Text frames have no place in the tunnel: dropped (the codec releases the frame).
  }
}
