package io.kuberay.harness.emulated.support;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's work queue: keys are de-duplicated while waiting, reconciled one at a time on one
 * thread, and retried with a growing delay when a reconcile throws — like controller-runtime's
 * rate-limited queue.
 */
public final class ReconcileLoop implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(ReconcileLoop.class);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

  private final String name;
  private final Consumer<String> reconciler;
  private final ScheduledExecutorService executor;
  private final Set<String> pending = new LinkedHashSet<>();
  private volatile boolean closed;

  public ReconcileLoop(String name, Consumer<String> reconciler) {
    this.name = name;
    this.reconciler = reconciler;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kuberay-emulator-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  public void enqueue(String key) {
    enqueueAfter(key, Duration.ZERO, 0);
  }

  public void enqueueAfter(String key, Duration delay) {
    enqueueAfter(key, delay, 0);
  }

  private void enqueueAfter(String key, Duration delay, int attempt) {
    if (closed) {
      return;
    }
    synchronized (pending) {
      if (delay.isZero() && !pending.add(key)) {
        return;
      }
    }
    try {
      executor.schedule(
          () -> run(key, attempt, delay.isZero()), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed concurrently: nothing left to reconcile
    }
  }

  private void run(String key, int attempt, boolean tracked) {
    if (tracked) {
      synchronized (pending) {
        pending.remove(key);
      }
    }
    if (closed) {
      return;
    }
    try {
      reconciler.accept(key);
    } catch (RuntimeException e) {
      if (closed) {
        return;
      }
      long delay = Math.min(MAX_RETRY_DELAY.toMillis(), 50L << Math.min(attempt, 7));
      logger.debug(
          "{}: reconcile of {} failed (attempt {}), retrying in {} ms",
          name,
          key,
          attempt + 1,
          delay,
          e);
      if (attempt >= 8) {
        logger.warn("{}: reconcile of {} keeps failing: {}", name, key, e.toString());
      }
      enqueueAfter(key, Duration.ofMillis(delay), attempt + 1);
    }
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
