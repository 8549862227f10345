package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.ExecResult;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code pods/exec} over an upgraded WebSocket ({@code v5.channel.k8s.io} or {@code
 * v4.channel.k8s.io}): runs the command to completion on the emulated node, then writes its stdout
 * (channel 1), stderr (2) and the exit status (3) and closes normally. Non-interactive: stdin and
 * resize messages are read and dropped; with a TTY requested, stderr is folded into stdout as a
 * terminal would show it.
 */
final class ExecSession {

  private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

  private final Client ws;
  private final PodStreams pods;
  private final Pod pod;
  private final ExecRequest request;
  private final Duration timeout;

  /** The query of an exec request: {@code command} repeated, {@code container}, stream flags. */
  record ExecRequest(
      List<String> command,
      String container,
      boolean stdin,
      boolean stdout,
      boolean stderr,
      boolean tty) {
    static ExecRequest from(QueryString query) {
      return new ExecRequest(
          query.all("command"),
          query.first("container"),
          query.flag("stdin"),
          query.flag("stdout"),
          query.flag("stderr"),
          query.flag("tty"));
    }
  }

  /**
   * The client's end of the upgraded connection; what it sends is read (and dropped) by the front.
   */
  interface Client {
    void sendBinary(byte[] message) throws IOException;

    /**
     * Sends the normal close and ends the connection once the client answered it (or soon after).
     */
    void close();
  }

  /** A {@link Client} on a Netty channel whose WebSocket handshake is done. */
  static final class WebSocketClient implements Client {
    private static final long CLOSE_WAIT_SECONDS = 2;
    private final Channel channel;

    WebSocketClient(Channel channel) {
      this.channel = channel;
    }

    @Override
    public void sendBinary(byte[] message) throws IOException {
      // Waiting for each write keeps a large output from piling up in memory ahead of a slow
      // client.
      ChannelFuture written =
          channel
              .writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)))
              .awaitUninterruptibly();
      if (!written.isSuccess()) {
        throw new IOException("exec client went away", written.cause());
      }
    }

    @Override
    public void close() {
      if (channel.isActive()) {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, ""));
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  ExecSession(Client ws, PodStreams pods, Pod pod, ExecRequest request, Duration timeout) {
    this.ws = ws;
    this.pods = pods;
    this.pod = pod;
    this.request = request;
    this.timeout = timeout;
  }

  /** Serves the session on the calling thread; the connection is closed when it returns. */
  void run() {
    try {
      String status;
      try {
        ExecResult result = pods.exec(pod, request.container(), request.command(), timeout);
        if (request.tty()) {
          send(ChannelProtocol.STDOUT, result.stdout() + result.stderr());
        } else {
          if (request.stdout()) {
            send(ChannelProtocol.STDOUT, result.stdout());
          }
          if (request.stderr()) {
            send(ChannelProtocol.STDERR, result.stderr());
          }
        }
        status = ChannelProtocol.status(result, request.command());
      } catch (RuntimeException e) {
        status =
            ChannelProtocol.failure(
                "error executing command "
                    + request.command()
                    + " in pod "
                    + pod.getMetadata().getName()
                    + ": "
                    + e.getMessage());
      }
      ws.sendBinary(
          ChannelProtocol.message(ChannelProtocol.ERROR, status.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      LOG.debug("exec client went away", e);
    } finally {
      ws.close();
    }
  }

  private void send(int channel, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int off = 0; off < bytes.length; off += ChannelProtocol.CHUNK) {
      ws.sendBinary(
          ChannelProtocol.message(
              channel, bytes, off, Math.min(ChannelProtocol.CHUNK, bytes.length - off)));
    }
  }
}
