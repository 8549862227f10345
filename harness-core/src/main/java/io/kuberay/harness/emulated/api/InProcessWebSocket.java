package io.kuberay.harness.emulated.api;

import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket between an {@link InProcessHttpClient} and a server-side listener (a watch). What the
 * server sends reaches the client's listener in order, one message per {@code request()} as fabric8
 * asks for them, on the delivery executor: never on the thread of the write that caused it, so a
 * slow watcher cannot hold up a write, and a watcher that writes does not re-enter its own
 * delivery.
 */
final class InProcessWebSocket {

  private record Close(int code, String reason) {}

  private final RecordedRequest request;
  private final WebSocketListener server;
  private final WebSocket.Listener client;
  private final Executor delivery;
  private final Queue<Object> inbound = new ConcurrentLinkedQueue<>();
  private final AtomicInteger demand = new AtomicInteger(1);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean clientClosed = new AtomicBoolean();
  private final AtomicBoolean serverClosed = new AtomicBoolean();
  private final ClientSide clientSide = new ClientSide();
  private final ServerSide serverSide = new ServerSide();

  InProcessWebSocket(
      RecordedRequest request,
      WebSocketListener server,
      WebSocket.Listener client,
      Executor delivery) {
    this.request = request;
    this.server = server;
    this.client = client;
    this.delivery = delivery;
  }

  WebSocket clientSide() {
    return clientSide;
  }

  /**
   * Opens both ends: the client's listener first, as a network client sees the upgrade before any
   * message.
   */
  void open() {
    client.onOpen(clientSide);
    server.onOpen(serverSide, new MockResponse().setResponseCode(101));
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delivery.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // the server is shutting down: nothing more is delivered
        scheduled.set(false);
      }
    }
  }

  private void drain() {
    try {
      Object next;
      while ((next = inbound.peek()) != null) {
        if (next instanceof Close close) {
          inbound.poll();
          closeClient(close.code(), close.reason());
          inbound.clear();
          return;
        }
        if (demand.get() <= 0) {
          return;
        }
        inbound.poll();
        demand.decrementAndGet();
        client.onMessage(clientSide, (String) next);
      }
    } finally {
      scheduled.set(false);
      Object head = inbound.peek();
      if (head != null && (head instanceof Close || demand.get() > 0)) {
        schedule();
      }
    }
  }

  private void closeClient(int code, String reason) {
    if (clientClosed.compareAndSet(false, true)) {
      client.onClose(clientSide, code, reason);
    }
    closeServer(code, reason);
  }

  private void closeServer(int code, String reason) {
    if (serverClosed.compareAndSet(false, true)) {
      server.onClosing(serverSide, code, reason);
      server.onClosed(serverSide, code, reason);
    }
  }

  /** The end fabric8's watch manager holds. */
  private final class ClientSide implements WebSocket {
    @Override
    public boolean send(ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      server.onMessage(serverSide, bytes);
      return true;
    }

    @Override
    public boolean sendClose(int code, String reason) {
      if (clientClosed.get()) {
        return false;
      }
      closeServer(code, reason);
      inbound.add(new Close(code, reason));
      schedule();
      return true;
    }

    @Override
    public long queueSize() {
      return 0;
    }

    @Override
    public void request() {
      demand.incrementAndGet();
      schedule();
    }
  }

  /** The end the server's listener writes to. */
  private final class ServerSide implements io.fabric8.mockwebserver.http.WebSocket {
    @Override
    public RecordedRequest request() {
      return request;
    }

    @Override
    public boolean send(String text) {
      if (clientClosed.get() || serverClosed.get()) {
        return false;
      }
      inbound.add(text);
      schedule();
      return true;
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      inbound.add(new Close(code, reason));
      schedule();
      return true;
    }
  }

  @Override
  public String toString() {
    return "in-process WebSocket " + request.getPath();
  }
}
