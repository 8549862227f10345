package io.kuberay.harness.emulated.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The k8s channel protocol's messages and the small parsers of the streaming endpoints; the wire
 * protocols are served by Netty (see ApiFrontTest).
 */
class StreamingFramesTest {

  // ---- channel protocol (v4/v5.channel.k8s.io)
  // ---------------------------------------------------

  @Test
  void channelMessagesCarryTheChannelByteFirst() {
    byte[] m =
        ChannelProtocol.message(ChannelProtocol.STDERR, "oops".getBytes(StandardCharsets.UTF_8));
    assertThat(m[0]).isEqualTo((byte) 2);
    ChannelProtocol.Message decoded = ChannelProtocol.decode(m);
    assertThat(decoded.channel()).isEqualTo(ChannelProtocol.STDERR);
    assertThat(new String(decoded.data(), StandardCharsets.UTF_8)).isEqualTo("oops");
    assertThat(ChannelProtocol.decode(new byte[] {(byte) 255, 0}).channel())
        .isEqualTo(ChannelProtocol.CLOSE);
  }

  @Test
  void negotiationPrefersV5ThenV4() {
    assertThat(ChannelProtocol.negotiate(List.of("v5.channel.k8s.io")))
        .isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v5.channel.k8s.io")))
        .isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v3.channel.k8s.io")))
        .isEqualTo("v4.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("channel.k8s.io"))).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void errorChannelStatusCarriesTheExitCodeAsKubectlReadsIt() {
    Map<String, Object> ok =
        Json.SERDE.unmarshal(ChannelProtocol.status(0, List.of("true")), Map.class);
    assertThat(ok).containsEntry("status", "Success");
    Map<String, Object> failed =
        Json.SERDE.unmarshal(ChannelProtocol.status(3, List.of("false")), Map.class);
    assertThat(failed)
        .containsEntry("status", "Failure")
        .containsEntry("reason", "NonZeroExitCode");
    List<Map<String, Object>> causes =
        (List<Map<String, Object>>) ((Map<String, Object>) failed.get("details")).get("causes");
    assertThat(causes).containsExactly(Map.of("reason", "ExitCode", "message", "3"));
  }

  // ---- WebSocket handlers of the front
  // -------------------------------------------------------------

  @Test
  void controlAnswersPingsAndThePeersCloseThenEndsTheConnection() {
    EmbeddedChannel ws = new EmbeddedChannel(new WebSocketControl(false));
    ws.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("p", StandardCharsets.UTF_8)));
    PongWebSocketFrame pong = ws.readOutbound();
    assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("p");
    pong.release();
    ws.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
    BinaryWebSocketFrame data = ws.readInbound();
    assertThat(data.content().readableBytes()).as("data goes on to the session").isEqualTo(1);
    data.release();
    ws.writeInbound(new CloseWebSocketFrame(1000, "bye"));
    CloseWebSocketFrame answer = ws.readOutbound();
    assertThat(answer.statusCode()).isEqualTo(1000);
    answer.release();
    assertThat(ws.isOpen()).isFalse();
  }

  @Test
  void controlDropsDataForNonInteractiveExecAndDoesNotAnswerACloseTwice() {
    EmbeddedChannel ws = new EmbeddedChannel(new WebSocketControl(true));
    ws.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, 'x'})));
    assertThat((Object) ws.readInbound()).as("stdin dropped").isNull();
    ws.writeOutbound(new CloseWebSocketFrame(1000, ""));
    ((CloseWebSocketFrame) ws.readOutbound()).release();
    ws.writeInbound(new CloseWebSocketFrame(1000, ""));
    assertThat((Object) ws.readOutbound()).as("the server's close was sent already").isNull();
    assertThat(ws.isOpen()).isFalse();
  }

  @Test
  void tunnelJoinsBinaryMessagesIntoOneByteStreamAndWrapsWrites() {
    EmbeddedChannel tunnel = new EmbeddedChannel(new WebSocketTunnel());
    tunnel.writeInbound(
        new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1, 2})));
    tunnel.writeInbound(new ContinuationWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {3})));
    tunnel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4})));
    byte[] stream = new byte[4];
    int n = 0;
    for (ByteBuf b; (b = tunnel.readInbound()) != null; ) {
      int len = b.readableBytes();
      b.readBytes(stream, n, len);
      n += len;
      b.release();
    }
    assertThat(stream).containsExactly(1, 2, 3, 4);
    tunnel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {9}));
    BinaryWebSocketFrame out = tunnel.readOutbound();
    assertThat(out.content().readByte()).isEqualTo((byte) 9);
    out.release();
  }

  // ---- small parsers
  // -------------------------------------------------------------------------------

  @Test
  void queryStringKeepsRepeatedKeysInOrder() {
    assertThat(new QueryString("command=python&command=-c&container=ray-head").all("command"))
        .containsExactly("python", "-c");
  }
}
