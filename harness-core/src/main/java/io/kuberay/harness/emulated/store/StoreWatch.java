package io.kuberay.harness.emulated.store;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One watch on the {@link ObjectStore}: which objects it sees, and its events, queued in order by
 * the store (under the store's lock) and sent to the client's connection outside it, so that a slow
 * or not yet open connection never holds up a write.
 */
public final class StoreWatch {

  /** Where the events go: a WebSocket, a chunked HTTP response, or an in-process listener. */
  public interface Connection {
    void send(WatchEvent event);

    /** Ends the watch from the server side, as after a 410 Gone ERROR event. */
    void end();
  }

  private final String namespace;
  private final Selector selector;
  private final Queue<WatchEvent> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private volatile Runnable onClose = () -> {};
  private volatile Connection connection;
  private volatile boolean ending;
  private volatile boolean closed;

  StoreWatch(String namespace, Selector selector) {
    this.namespace = namespace;
    this.selector = selector;
  }

  /** Whether the object (null: none) is one this watch is about. */
  boolean sees(StoredObject o) {
    return o != null && (namespace == null || namespace.equals(o.namespace())) && selector.test(o);
  }

  String namespace() {
    return namespace;
  }

  void onClose(Runnable action) {
    this.onClose = action;
  }

  void offer(WatchEvent event) {
    if (!closed) {
      pending.add(event);
    }
  }

  /** The connection ends once what is queued has been sent. */
  void endAfterPending() {
    ending = true;
  }

  public void connect(Connection c) {
    this.connection = c;
    flush();
  }

  /**
   * Sends what is queued, in order; a concurrent caller leaves the work to the one already sending.
   */
  void flush() {
    while (connection != null && !closed) {
      if (!flushing.compareAndSet(false, true)) {
        return;
      }
      try {
        WatchEvent event;
        while (!closed && (event = pending.poll()) != null) {
          try {
            connection.send(event);
          } catch (RuntimeException e) {
            // A broken connection ends its watch; the write that queued the event goes on.
            close();
          }
        }
        if (ending && !closed) {
          connection.end();
          close();
        }
      } finally {
        flushing.set(false);
      }
      if (pending.isEmpty()) {
        return;
      }
    }
  }

  public void close() {
    if (!closed) {
      closed = true;
      pending.clear();
      onClose.run();
    }
  }

  boolean isClosed() {
    return closed;
  }
}
