package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a {@code portforward.k8s.io} SPDY/3.1 session, the kubelet's protocol, whether
 * it runs over a raw upgraded connection or tunneled inside a WebSocket ({@code
 * SPDY/3.1+portforward.k8s.io}): Netty's SPDY codec frames the bytes, this handler keeps the
 * session's streams.
 *
 * <p>The client opens two streams per forwarded connection, headers {@code streamType: error|data},
 * {@code port} and a shared {@code requestID}. Once both are there the session connects to the
 * loopback address of the pod's container port and pumps bytes: client DATA to the socket, socket
 * bytes as DATA frames back. When the pod side ends, both streams get FIN; a failure to connect is
 * written on the error stream, which kubectl prints. Runs on an executor of its own: connecting and
 * writing to the pod block.
 */
final class PortForwardSession extends SimpleChannelInboundHandler<SpdyFrame> {

  private static final Logger LOG = LoggerFactory.getLogger(PortForwardSession.class);
  private static final int CHUNK = 32 * 1024;

  private final PodStreams pods;
  private final Pod pod;
  private final Map<String, Forward> byRequest = new ConcurrentHashMap<>();
  private final Map<Integer, Forward> byStream = new ConcurrentHashMap<>();
  private volatile Channel channel;

  PortForwardSession(PodStreams pods, Pod pod) {
    this.pods = pods;
    this.pod = pod;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      onSynStream(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      onData(data);
    } else if (frame instanceof SpdyRstStreamFrame rst) {
      Forward f = byStream.get(rst.streamId());
      if (f != null) {
        f.close();
      }
    } else if (frame instanceof SpdyPingFrame ping) {
      send(new DefaultSpdyPingFrame(ping.id()));
    } else if (frame instanceof SpdyGoAwayFrame) {
      ctx.close();
    }
    // SETTINGS, WINDOW_UPDATE, HEADERS: spdystream does no flow control; nothing to do.
  }

  /** Every forwarded socket is closed when the client's connection ends. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    byStream.values().forEach(Forward::close);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("port-forward session ended", cause);
    ctx.close();
  }

  private void onSynStream(SpdySynStreamFrame syn) {
    String type = header(syn.headers(), "streamType");
    // The kubelet replies with no headers, but Netty then leaves the header block out entirely,
    // which
    // spdystream (kubectl) reads as a broken frame and drops the connection: echo the stream's
    // type.
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
    reply.headers().add("streamtype", String.valueOf(type));
    send(reply);
    String portText = header(syn.headers(), "port");
    String requestId = header(syn.headers(), "requestID");
    String key = requestId != null ? requestId : "port-" + portText;
    Forward f = byRequest.computeIfAbsent(key, k -> new Forward());
    byStream.put(syn.streamId(), f);
    if ("error".equals(type)) {
      f.errorStream = syn.streamId();
    } else if ("data".equals(type)) {
      f.dataStream = syn.streamId();
      f.portText = portText;
    } else {
      send(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.PROTOCOL_ERROR));
      return;
    }
    if (f.errorStream != 0 && f.dataStream != 0) {
      byRequest.remove(key);
      f.start();
    }
  }

  private void onData(SpdyDataFrame data) {
    Forward f = byStream.get(data.streamId());
    if (f == null || data.streamId() != f.dataStream) {
      return; // the error stream carries nothing from the client; it half-closes it at once
    }
    f.fromClient(ByteBufUtil.getBytes(data.content()), data.isLast());
  }

  /**
   * A header's value; SPDY sends names in lower case, spdystream's callers spell them in camel
   * case.
   */
  static String header(SpdyHeaders headers, String name) {
    for (Map.Entry<CharSequence, CharSequence> h : headers) {
      if (h.getKey().toString().equalsIgnoreCase(name)) {
        return h.getValue().toString();
      }
    }
    return null;
  }

  private ChannelFuture send(SpdyFrame frame) {
    return channel.writeAndFlush(frame);
  }

  /** One forwarded connection: a data stream, an error stream and the socket to the pod's port. */
  private final class Forward {
    volatile int errorStream;
    volatile int dataStream;
    volatile String portText;
    private volatile Socket socket;
    private volatile OutputStream toPod;
    private volatile boolean finished;

    void start() {
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        fail("invalid port " + portText);
        return;
      }
      try {
        URI address = pods.reach(pod, port);
        InetSocketAddress target = new InetSocketAddress(address.getHost(), address.getPort());
        Socket s = new Socket();
        s.connect(target, 10_000);
        s.setTcpNoDelay(true);
        socket = s;
        toPod = s.getOutputStream();
      } catch (IOException | RuntimeException e) {
        fail(
            "error forwarding port "
                + port
                + " to pod "
                + pod.getMetadata().getName()
                + ": "
                + e.getMessage());
        return;
      }
      Thread pump =
          new Thread(this::pumpFromPod, "port-forward-" + pod.getMetadata().getName() + "-" + port);
      pump.setDaemon(true);
      pump.start();
    }

    void fromClient(byte[] bytes, boolean fin) {
      OutputStream out = toPod;
      if (out == null) {
        return;
      }
      try {
        if (bytes.length > 0) {
          out.write(bytes);
          out.flush();
        }
        if (fin) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        close();
      }
    }

    private void pumpFromPod() {
      byte[] buf = new byte[CHUNK];
      try (InputStream fromPod = socket.getInputStream()) {
        int n;
        while ((n = fromPod.read(buf)) >= 0) {
          if (n > 0) {
            // Waiting for each frame keeps a fast pod from piling bytes up ahead of a slow client.
            if (!send(new DefaultSpdyDataFrame(
                    dataStream, Unpooled.wrappedBuffer(Arrays.copyOf(buf, n))))
                .awaitUninterruptibly()
                .isSuccess()) {
              break;
            }
          }
        }
      } catch (IOException e) {
        LOG.debug("port-forward connection ended", e);
      } finally {
        finish();
      }
    }

    private void fail(String message) {
      LOG.debug(message);
      send(
          new DefaultSpdyDataFrame(
              errorStream, Unpooled.copiedBuffer(message, StandardCharsets.UTF_8)));
      finish();
    }

    /** FIN on both streams, once. */
    private void finish() {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      send(new DefaultSpdyDataFrame(dataStream).setLast(true));
      send(new DefaultSpdyDataFrame(errorStream).setLast(true));
      closeSocket();
      byStream.remove(dataStream);
      byStream.remove(errorStream);
    }

    void close() {
      closeSocket();
    }

    private void closeSocket() {
      Socket s = socket;
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already gone
        }
      }
    }
  }
}
