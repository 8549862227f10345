package io.kuberay.harness.emulated.streaming;

import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.QueryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuberay.harness.ExecResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frame encoding and decoding of the streaming protocols: WebSocket, the k8s channel protocol, SPDY/3.1. */
class StreamingFramesTest {

  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

  // ---- WebSocket (RFC 6455) ----------------------------------------------------------------------

  @Test
  void acceptKeyMatchesTheRfcExample() {
    assertThat(WebSocketFrames.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void serverFramesAreUnmaskedWithTheRightLengthEncoding() {
    assertThat(WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[] {1, 2, 3}, true)).containsExactly(0x82, 3, 1, 2, 3);
    byte[] medium = WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[300], true);
    assertThat(medium).hasSize(4 + 300);
    assertThat(medium[1] & 0xFF).isEqualTo(126);
    assertThat(((medium[2] & 0xFF) << 8) | (medium[3] & 0xFF)).isEqualTo(300);
    byte[] large = WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[70_000], false);
    assertThat(large[0] & 0xFF).isEqualTo(0x02); // not FIN
    assertThat(large[1] & 0xFF).isEqualTo(127);
    assertThat(large).hasSize(10 + 70_000);
  }

  @Test
  void maskedClientFramesDecodeForEverySize() throws Exception {
    for (int size : new int[] {0, 1, 125, 126, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[size];
      for (int i = 0; i < size; i++) {
        payload[i] = (byte) (i * 7);
      }
      byte[] wire = WebSocketFrames.encode(WebSocketFrames.BINARY, payload, true, MASK);
      assertThat(wire[1] & 0x80).as("mask bit").isEqualTo(0x80);
      WebSocketFrames.Frame frame = WebSocketFrames.read(new ByteArrayInputStream(wire));
      assertThat(frame.fin()).isTrue();
      assertThat(frame.opcode()).isEqualTo(WebSocketFrames.BINARY);
      assertThat(frame.payload()).as("size " + size).isEqualTo(payload);
    }
  }

  @Test
  void truncatedFrameIsAnEof() {
    byte[] wire = WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[10], true, MASK);
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 3);
    assertThatThrownBy(() -> WebSocketFrames.read(new ByteArrayInputStream(cut))).isInstanceOf(EOFException.class);
  }

  @Test
  void connectionJoinsFragmentsAnswersPingsAndTheClose() throws Exception {
    ByteArrayOutputStream client = new ByteArrayOutputStream();
    client.write(WebSocketFrames.encode(WebSocketFrames.BINARY, "ab".getBytes(StandardCharsets.UTF_8), false, MASK));
    client.write(WebSocketFrames.encode(WebSocketFrames.PING, "p".getBytes(StandardCharsets.UTF_8), true, MASK));
    client.write(WebSocketFrames.encode(WebSocketFrames.CONTINUATION, "cd".getBytes(StandardCharsets.UTF_8), true, MASK));
    client.write(WebSocketFrames.encode(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(1000, ""), true, MASK));
    ByteArrayOutputStream server = new ByteArrayOutputStream();
    WebSocketConnection ws = new WebSocketConnection(new java.net.Socket(), new ByteArrayInputStream(client.toByteArray()), server);

    assertThat(new String(ws.readMessage(), StandardCharsets.UTF_8)).isEqualTo("abcd");
    assertThat(ws.readMessage()).isNull();
    assertThat(ws.closeReceived()).isTrue();

    ByteArrayInputStream sent = new ByteArrayInputStream(server.toByteArray());
    WebSocketFrames.Frame pong = WebSocketFrames.read(sent);
    assertThat(pong.opcode()).isEqualTo(WebSocketFrames.PONG);
    assertThat(pong.payload()).isEqualTo("p".getBytes(StandardCharsets.UTF_8));
    WebSocketFrames.Frame close = WebSocketFrames.read(sent);
    assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
    assertThat(((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF)).isEqualTo(1000);
  }

  @Test
  void messageStreamConcatenatesBinaryMessages() throws Exception {
    ByteArrayOutputStream client = new ByteArrayOutputStream();
    client.write(WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[] {1, 2}, true, MASK));
    client.write(WebSocketFrames.encode(WebSocketFrames.BINARY, new byte[] {3}, true, MASK));
    WebSocketConnection ws = new WebSocketConnection(new java.net.Socket(), new ByteArrayInputStream(client.toByteArray()), new ByteArrayOutputStream());
    assertThat(ws.messageStream().readAllBytes()).containsExactly(1, 2, 3);
  }

  // ---- channel protocol (v4/v5.channel.k8s.io) ---------------------------------------------------

  @Test
  void channelMessagesCarryTheChannelByteFirst() {
    byte[] m = ChannelProtocol.message(ChannelProtocol.STDERR, "oops".getBytes(StandardCharsets.UTF_8));
    assertThat(m[0]).isEqualTo((byte) 2);
    ChannelProtocol.Message decoded = ChannelProtocol.decode(m);
    assertThat(decoded.channel()).isEqualTo(ChannelProtocol.STDERR);
    assertThat(new String(decoded.data(), StandardCharsets.UTF_8)).isEqualTo("oops");
    assertThat(ChannelProtocol.decode(new byte[] {(byte) 255, 0}).channel()).isEqualTo(ChannelProtocol.CLOSE);
  }

  @Test
  void negotiationPrefersV5ThenV4() {
    assertThat(ChannelProtocol.negotiate(List.of("v5.channel.k8s.io"))).isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v5.channel.k8s.io"))).isEqualTo("v5.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("v4.channel.k8s.io", "v3.channel.k8s.io"))).isEqualTo("v4.channel.k8s.io");
    assertThat(ChannelProtocol.negotiate(List.of("channel.k8s.io"))).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void errorChannelStatusCarriesTheExitCodeAsKubectlReadsIt() {
    Map<String, Object> ok = Json.SERDE.unmarshal(ChannelProtocol.status(new ExecResult("", "", 0, Duration.ZERO), List.of("true")), Map.class);
    assertThat(ok).containsEntry("status", "Success");
    Map<String, Object> failed = Json.SERDE.unmarshal(ChannelProtocol.status(new ExecResult("", "", 3, Duration.ZERO), List.of("false")), Map.class);
    assertThat(failed).containsEntry("status", "Failure").containsEntry("reason", "NonZeroExitCode");
    List<Map<String, Object>> causes = (List<Map<String, Object>>) ((Map<String, Object>) failed.get("details")).get("causes");
    assertThat(causes).containsExactly(Map.of("reason", "ExitCode", "message", "3"));
  }

  // ---- SPDY/3.1 ------------------------------------------------------------------------------------

  @Test
  void dictionaryIsTheSpdy3One() {
    java.util.zip.Adler32 adler = new java.util.zip.Adler32();
    adler.update(SpdyFrames.DICTIONARY);
    assertThat(SpdyFrames.DICTIONARY).hasSize(1423);
    assertThat(Long.toHexString(adler.getValue())).isEqualTo("e3c6a7c2");
  }

  @Test
  void everyFrameRoundTripsThroughOneCompressionContext() throws Exception {
    SpdyFrames.Writer writer = new SpdyFrames.Writer();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<SpdyFrames.Frame> frames = List.of(
        new SpdyFrames.SynStream(1, 0, 0, 0, headers("streamtype", "error", "port", "8265", "requestid", "0")),
        new SpdyFrames.SynStream(3, 0, 0, 0, headers("streamtype", "data", "port", "8265", "requestid", "0")),
        new SpdyFrames.SynReply(1, 0, Map.of()),
        new SpdyFrames.Data(3, 0, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
        new SpdyFrames.Data(3, SpdyFrames.FLAG_FIN, new byte[0]),
        new SpdyFrames.Ping(1),
        new SpdyFrames.RstStream(3, SpdyFrames.RST_CANCEL),
        new SpdyFrames.WindowUpdate(3, 65_536),
        new SpdyFrames.Settings(0, Map.of(7, 65_536)),
        new SpdyFrames.GoAway(3, 0));
    for (SpdyFrames.Frame f : frames) {
      wire.write(writer.encode(f));
    }
    SpdyFrames.Reader reader = new SpdyFrames.Reader(new ByteArrayInputStream(wire.toByteArray()));
    for (SpdyFrames.Frame expected : frames) {
      SpdyFrames.Frame actual = reader.read();
      if (expected instanceof SpdyFrames.Data d) {
        assertThat(actual).isInstanceOfSatisfying(SpdyFrames.Data.class, a -> {
          assertThat(a.streamId()).isEqualTo(d.streamId());
          assertThat(a.flags()).isEqualTo(d.flags());
          assertThat(a.data()).isEqualTo(d.data());
        });
      } else {
        assertThat(actual).isEqualTo(expected);
      }
    }
    assertThat(reader.read()).as("clean end").isNull();
  }

  @Test
  void readsWhatNettysIndependentSpdyCodecWrites() throws Exception {
    EmbeddedChannel netty = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(5, 0, (byte) 0);
    syn.headers().add("streamtype", "data").add("port", "8265").add("requestid", "7");
    netty.writeOutbound(syn, new DefaultSpdyDataFrame(5, Unpooled.wrappedBuffer("hello".getBytes(StandardCharsets.UTF_8))));
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (ByteBuf b; (b = netty.readOutbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      wire.write(bytes);
    }
    SpdyFrames.Reader reader = new SpdyFrames.Reader(new ByteArrayInputStream(wire.toByteArray()));
    SpdyFrames.SynStream parsed = (SpdyFrames.SynStream) reader.read();
    assertThat(parsed.streamId()).isEqualTo(5);
    assertThat(SpdyFrames.header(parsed.headers(), "streamType")).isEqualTo("data");
    assertThat(SpdyFrames.header(parsed.headers(), "requestID")).isEqualTo("7");
    assertThat(((SpdyFrames.Data) reader.read()).data()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    netty.finishAndReleaseAll();
  }

  @Test
  void nettysIndependentSpdyCodecReadsWhatThisWrites() {
    SpdyFrames.Writer writer = new SpdyFrames.Writer();
    EmbeddedChannel netty = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    netty.writeInbound(Unpooled.wrappedBuffer(writer.encode(new SpdyFrames.SynReply(1, 0, Map.of()))));
    netty.writeInbound(Unpooled.wrappedBuffer(writer.encode(new SpdyFrames.SynReply(3, 0, headers("x-test", "yes")))));
    netty.writeInbound(Unpooled.wrappedBuffer(writer.encode(new SpdyFrames.Data(3, SpdyFrames.FLAG_FIN, "bye".getBytes(StandardCharsets.UTF_8)))));
    SpdySynReplyFrame first = netty.readInbound();
    assertThat(first.streamId()).isEqualTo(1);
    assertThat(first.isInvalid()).isFalse();
    SpdySynReplyFrame second = netty.readInbound();
    assertThat(second.headers().get("x-test")).isEqualTo("yes");
    SpdyDataFrame data = netty.readInbound();
    assertThat(data.isLast()).isTrue();
    assertThat(data.content().toString(StandardCharsets.UTF_8)).isEqualTo("bye");
    data.release();
    netty.finishAndReleaseAll();
  }

  private static Map<String, List<String>> headers(String... kv) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], List.of(kv[i + 1]));
    }
    return h;
  }

  // ---- small parsers -------------------------------------------------------------------------------

  @Test
  void requestHeadParsingAndTheOneRequestRewrite() throws Exception {
    byte[] head = "GET /api/v1/namespaces/default/pods/p/exec?command=python&command=-c&container=ray-head HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    StreamingFront.Request r = StreamingFront.Request.parse(StreamingFront.readHead(new ByteArrayInputStream(head)));
    assertThat(r.isUpgrade()).isTrue();
    assertThat(r.protocols()).containsExactly("v5.channel.k8s.io", "v4.channel.k8s.io");
    assertThat(r.streamingTarget()).isPresent();
    assertThat(r.query().all("command")).containsExactly("python", "-c");
    String rewritten = new String(StreamingFront.withConnectionClose("GET /api HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    assertThat(rewritten).isEqualTo("GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(LogStream.select("a\nb\nc\n", new QueryString("tailLines=2"))).isEqualTo("b\nc\n");
  }
}
