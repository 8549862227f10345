package io.kuberay.harness.emulated.streaming;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuberay.harness.backend.ExecProcess;
import io.kuberay.harness.emulated.support.Json;
import io.kuberay.harness.emulated.support.QueryString;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code pods/exec} over an upgraded WebSocket ({@code v5.channel.k8s.io} or {@code
 * v4.channel.k8s.io}), as the kubelet serves it: the command's stdout (channel 1) and stderr (2)
 * are sent byte for byte as the command writes them; the client's stdin messages (channel 0) are
 * piped into it when the query asked for stdin, and v5's close message for stdin (channel 255) or
 * the client's going away give it end of file; when it exits, the exit status (3) follows and the
 * connection closes normally. With a TTY the command runs on a terminal (stderr shows there, on
 * channel 1) that resize messages (4) size. No timeout: a session lasts as long as its command,
 * which dies with the pod. A client that goes away leaves the command running (its output is read
 * and dropped), as on a real node.
 */
final class ExecSession {

  private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

  /** How long output may still come after the command exited (a background child's). */
  static final Duration AFTER_EXIT = Duration.ofSeconds(5);

  /** Stdin bytes queued for a slow command before the client's messages stop being read. */
  private static final long INPUT_HIGH_WATER = 1024 * 1024;

  private static final byte[] END_OF_INPUT = new byte[0];

  private final Client ws;
  private final PodStreams pods;
  private final Pod pod;
  private final ExecRequest request;
  private final Executor threads;
  private final BlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong pumped = new AtomicLong();
  private final Object sending = new Object();
  private volatile ExecProcess process;
  private volatile int[] size; // the terminal's last requested columns and rows
  private final Object resizing = new Object();
  private volatile boolean clientGone;
  private volatile boolean inputEnded;
  private boolean finished; // guarded by sending
  private boolean paused; // guarded by input

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

  /** The client's end of the upgraded connection. */
  interface Client {
    void sendBinary(byte[] message) throws IOException;

    /** Stops ({@code false}) or resumes reading the client's messages, while stdin backs up. */
    void readInput(boolean on);

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
    public void readInput(boolean on) {
      channel.config().setAutoRead(on);
    }

    @Override
    public void close() {
      if (channel.isActive()) {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, ""));
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * @param threads runs the session's helpers (stdin writer, output pumps), one thread each
   */
  ExecSession(Client ws, PodStreams pods, Pod pod, ExecRequest request, Executor threads) {
    this.ws = ws;
    this.pods = pods;
    this.pod = pod;
    this.request = request;
    this.threads = threads;
  }

  // ---- from the client (on the connection's event loop: never blocks)

  /** One whole message from the client. */
  void received(byte[] message) {
    if (message.length == 0) {
      return;
    }
    ChannelProtocol.Message m = ChannelProtocol.decode(message);
    if (m.channel() == ChannelProtocol.STDIN) {
      offer(m.data());
    } else if (m.channel() == ChannelProtocol.CLOSE
        && m.data().length > 0
        && (m.data()[0] & 0xFF) == ChannelProtocol.STDIN) {
      endInput();
    } else if (m.channel() == ChannelProtocol.RESIZE && request.tty()) {
      resize(m.data());
    }
    // Anything else has no meaning here.
  }

  /** {@code {"Width":cols,"Height":rows}}, kubectl's TerminalSize; applied off the event loop. */
  private void resize(byte[] json) {
    try {
      Map<?, ?> doc = Json.SERDE.unmarshal(new String(json, StandardCharsets.UTF_8), Map.class);
      if (doc.get("Width") instanceof Number w && doc.get("Height") instanceof Number h) {
        size = new int[] {w.intValue(), h.intValue()};
        applySize();
      }
    } catch (RuntimeException e) {
      LOG.debug("exec: unreadable resize message", e);
    }
  }

  /** Gives the running command's terminal the last requested size; later requests win. */
  private void applySize() {
    ExecProcess running = process;
    if (running == null || size == null) {
      return; // applied once the command started
    }
    threads.execute(
        () -> {
          synchronized (resizing) {
            int[] last = size;
            running.resize(last[0], last[1]);
          }
        });
  }

  /** The connection ended: stdin ends, and output has nowhere to go any more. */
  void clientClosed() {
    clientGone = true;
    endInput();
  }

  private void offer(byte[] data) {
    if (data.length == 0 || inputEnded) {
      return;
    }
    input.add(data);
    if (queued.addAndGet(data.length) > INPUT_HIGH_WATER) {
      synchronized (input) {
        if (!paused) {
          paused = true;
          ws.readInput(false);
        }
      }
    }
  }

  private void endInput() {
    if (!inputEnded) {
      inputEnded = true;
      input.add(END_OF_INPUT);
    }
  }

  // ---- the command

  /** Serves the session on the calling thread; the connection is closed when it returns. */
  void run() {
    ExecProcess process;
    try {
      process = pods.start(pod, request.container(), request.command(), request.tty());
      this.process = process;
      applySize();
    } catch (RuntimeException e) {
      finish(
          ChannelProtocol.failure(
              "error executing command "
                  + request.command()
                  + " in pod "
                  + pod.getMetadata().getName()
                  + ": "
                  + e.getMessage()));
      return;
    }
    try {
      if (request.stdin()) {
        threads.execute(() -> feed(process.stdin()));
      } else {
        closeQuietly(process.stdin()); // as /dev/null: the command reads end of file
      }
      CompletableFuture<Void> out =
          pump(process.stdout(), ChannelProtocol.STDOUT, request.stdout() || request.tty());
      CompletableFuture<Void> err =
          pump(process.stderr(), ChannelProtocol.STDERR, !request.tty() && request.stderr());
      int exitCode = process.waitFor();
      awaitOutput(CompletableFuture.allOf(out, err));
      finish(ChannelProtocol.status(exitCode, request.command()));
    } catch (InterruptedException e) {
      // The front is closing: the command goes with it.
      process.close();
      Thread.currentThread().interrupt();
      finish(null);
    } finally {
      endInput(); // ends the stdin writer, however the session ended
    }
  }

  /** Writes the client's stdin into the command until end of input or the command stops reading. */
  private void feed(OutputStream stdin) {
    try (stdin) {
      while (true) {
        byte[] data = input.take();
        if (data == END_OF_INPUT) {
          return;
        }
        long left = queued.addAndGet(-data.length);
        if (left <= INPUT_HIGH_WATER / 4) {
          synchronized (input) {
            if (paused) {
              paused = false;
              ws.readInput(true);
            }
          }
        }
        stdin.write(data);
        stdin.flush();
      }
    } catch (IOException e) {
      // The command closed its stdin or exited: what is left is dropped, as a pipe drops it.
      input.clear();
      synchronized (input) {
        if (paused) {
          paused = false;
          ws.readInput(true);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends what {@code stream} gives as it comes, in messages on {@code channel}; read and dropped
   * when not {@code wanted} or the client is gone.
   */
  private CompletableFuture<Void> pump(InputStream stream, int channel, boolean wanted) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    threads.execute(
        () -> {
          byte[] chunk = new byte[ChannelProtocol.CHUNK];
          try (stream) {
            for (int n; (n = stream.read(chunk)) >= 0; ) {
              pumped.addAndGet(n);
              if (wanted && n > 0) {
                send(ChannelProtocol.message(channel, chunk, 0, n));
              }
            }
          } catch (IOException e) {
            // the command's end of the pipe is gone (killed): what was read is sent
          } finally {
            done.complete(null);
          }
        });
    return done;
  }

  /**
   * Waits for the output to end; a background child of the command may hold it open, so after the
   * exit it gets {@link #AFTER_EXIT} at a time for as long as it writes.
   */
  private void awaitOutput(CompletableFuture<Void> output) throws InterruptedException {
    long seen = -1;
    while (true) {
      try {
        output.get(AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        long now = pumped.get();
        if (now == seen) {
          LOG.debug("exec {}: output still open {} after exit", request.command(), AFTER_EXIT);
          return;
        }
        seen = now;
      } catch (ExecutionException e) {
        return; // the pumps complete normally; nothing to report
      }
    }
  }

  private void send(byte[] message) {
    synchronized (sending) {
      if (finished || clientGone) {
        return;
      }
      try {
        ws.sendBinary(message);
      } catch (IOException e) {
        LOG.debug("exec client went away", e);
        clientGone = true;
      }
    }
  }

  /** The status on the error channel (unless null), then the normal close. */
  private void finish(String status) {
    synchronized (sending) {
      if (status != null && !clientGone) {
        try {
          ws.sendBinary(
              ChannelProtocol.message(
                  ChannelProtocol.ERROR, status.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
          LOG.debug("exec client went away", e);
        }
      }
      finished = true;
    }
    ws.close();
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // the command already exited
    }
  }
}
