package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a {@code portforward.k8s.io} SPDY/3.1 session, the kubelet's protocol, whether it runs
 * over a raw upgraded connection or tunneled inside a WebSocket ({@code SPDY/3.1+portforward.k8s.io}).
 *
 * <p>The client opens two streams per forwarded connection, headers {@code streamType: error|data},
 * {@code port} and a shared {@code requestID}. Once both are there the session connects to the loopback
 * address of the pod's container port and pumps bytes: client DATA to the socket, socket bytes as DATA
 * frames back. When the pod side ends, both streams get FIN; a failure to connect is written on the error
 * stream, which kubectl prints.
 */
final class PortForwardSession {

  private static final Logger LOG = LoggerFactory.getLogger(PortForwardSession.class);
  private static final int CHUNK = 32 * 1024;

  /** Sends one encoded frame to the client. */
  interface FrameSink {
    void send(byte[] frame) throws IOException;
  }

  private final InputStream in;
  private final FrameSink sink;
  private final PodStreams pods;
  private final Pod pod;
  private final SpdyFrames.Writer writer = new SpdyFrames.Writer();
  private final Map<String, Forward> byRequest = new ConcurrentHashMap<>();
  private final Map<Integer, Forward> byStream = new ConcurrentHashMap<>();

  PortForwardSession(InputStream in, FrameSink sink, PodStreams pods, Pod pod) {
    this.in = in;
    this.sink = sink;
    this.pods = pods;
    this.pod = pod;
  }

  /** Serves frames until the client goes away; every forwarded socket is closed on return. */
  void run() {
    SpdyFrames.Reader reader = new SpdyFrames.Reader(in);
    try {
      SpdyFrames.Frame frame;
      while ((frame = reader.read()) != null) {
        if (frame instanceof SpdyFrames.SynStream syn) {
          onSynStream(syn);
        } else if (frame instanceof SpdyFrames.Data data) {
          onData(data);
        } else if (frame instanceof SpdyFrames.RstStream rst) {
          Forward f = byStream.get(rst.streamId());
          if (f != null) {
            f.close();
          }
        } else if (frame instanceof SpdyFrames.Ping ping) {
          send(new SpdyFrames.Ping(ping.id()));
        } else if (frame instanceof SpdyFrames.GoAway) {
          break;
        }
        // SETTINGS, WINDOW_UPDATE, HEADERS: spdystream does no flow control; nothing to do.
      }
    } catch (IOException e) {
      LOG.debug("port-forward session ended", e);
    } finally {
      byStream.values().forEach(Forward::close);
    }
  }

  private void onSynStream(SpdyFrames.SynStream syn) throws IOException {
    send(new SpdyFrames.SynReply(syn.streamId(), 0, Map.of()));
    String type = SpdyFrames.header(syn.headers(), "streamType");
    String portText = SpdyFrames.header(syn.headers(), "port");
    String requestId = SpdyFrames.header(syn.headers(), "requestID");
    String key = requestId != null ? requestId : "port-" + portText;
    Forward f = byRequest.computeIfAbsent(key, k -> new Forward());
    byStream.put(syn.streamId(), f);
    if ("error".equals(type)) {
      f.errorStream = syn.streamId();
    } else if ("data".equals(type)) {
      f.dataStream = syn.streamId();
      f.portText = portText;
    } else {
      send(new SpdyFrames.RstStream(syn.streamId(), SpdyFrames.RST_PROTOCOL_ERROR));
      return;
    }
    if (f.errorStream != 0 && f.dataStream != 0) {
      byRequest.remove(key);
      f.start();
    }
  }

  private void onData(SpdyFrames.Data data) throws IOException {
    Forward f = byStream.get(data.streamId());
    if (f == null || data.streamId() != f.dataStream) {
      return; // the error stream carries nothing from the client; it half-closes it at once
    }
    f.fromClient(data.data(), data.fin());
  }

  private void send(SpdyFrames.Frame frame) throws IOException {
    synchronized (writer) {
      sink.send(writer.encode(frame));
    }
  }

  private void sendQuietly(SpdyFrames.Frame frame) {
    try {
      send(frame);
    } catch (IOException e) {
      LOG.debug("port-forward client went away", e);
    }
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
        fail("error forwarding port " + port + " to pod " + pod.getMetadata().getName() + ": " + e.getMessage());
        return;
      }
      Thread pump = new Thread(this::pumpFromPod, "port-forward-" + pod.getMetadata().getName() + "-" + port);
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
            send(new SpdyFrames.Data(dataStream, 0, java.util.Arrays.copyOf(buf, n)));
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
      sendQuietly(new SpdyFrames.Data(errorStream, 0, message.getBytes(StandardCharsets.UTF_8)));
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
      sendQuietly(new SpdyFrames.Data(dataStream, SpdyFrames.FLAG_FIN, new byte[0]));
      sendQuietly(new SpdyFrames.Data(errorStream, SpdyFrames.FLAG_FIN, new byte[0]));
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
