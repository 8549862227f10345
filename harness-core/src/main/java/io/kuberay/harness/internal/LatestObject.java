package io.kuberay.harness.internal;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The latest version of one named object, kept current by a watch, so that a wait can check it
 * every few milliseconds without a request each time. It is also read again at most every second
 * (and on every call when no watch could be opened), so a missed or closed watch costs latency,
 * never correctness.
 */
public final class LatestObject<T> implements Supplier<T>, AutoCloseable {

  private static final long REREAD_NANOS = Duration.ofSeconds(1).toNanos();

  private final Resource<T> resource;
  private final AtomicReference<T> latest = new AtomicReference<>();

  /**
   * Counts watch events, so a read that raced with an event does not overwrite the newer version.
   */
  private final AtomicLong events = new AtomicLong();

  private volatile long readAt;
  private volatile boolean watching;
  private Watch watch;

  private LatestObject(Resource<T> resource) {
    this.resource = resource;
  }

  /** Watches {@code resource}, then reads it once: nothing that happens in between is missed. */
  public static <T> LatestObject<T> watch(Resource<T> resource) {
    LatestObject<T> o = new LatestObject<>(resource);
    try {
      o.watch = resource.watch(o.new Listener());
      o.watching = true;
    } catch (KubernetesClientException e) {
      // No watch (e.g. not allowed): every get() reads.
    }
    o.read();
    return o;
  }

  /** The object as last seen, {@code null} if it does not exist. */
  @Override
  public T get() {
    if (!watching || System.nanoTime() - readAt > REREAD_NANOS) {
      read();
    }
    return latest.get();
  }

  private void read() {
    long seen = events.get();
    T now = resource.get();
    if (events.get() == seen) {
      latest.set(now);
    }
    readAt = System.nanoTime();
  }

  @Override
  public void close() {
    watching = false;
    if (watch != null) {
      watch.close();
    }
  }

  private final class Listener implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T object) {
      if (action == Action.ADDED || action == Action.MODIFIED || action == Action.DELETED) {
        events.incrementAndGet();
        latest.set(action == Action.DELETED ? null : object);
        readAt = System.nanoTime();
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      watching = false;
    }

    @Override
    public void onClose() {
      watching = false;
    }
  }
}
