package io.kuberay.harness.cucumber;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Requests sent one after another on a background thread until stopped, counting those that did not
 * answer 200.
 */
final class RequestStream implements AutoCloseable {

  /** What was sent: the first few failures are kept to say what went wrong. */
  record Result(int sent, int failed, List<String> firstFailures) {
    @Override
    public String toString() {
      return sent
          + " sent, "
          + failed
          + " failed"
          + (firstFailures.isEmpty() ? "" : " " + firstFailures);
    }
  }

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kuberay-serve-requests");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final List<String> failures = new ArrayList<>();

  private RequestStream() {}

  /**
   * @param request sends one request and returns its HTTP status (-1 when there was no answer)
   */
  static RequestStream start(IntSupplier request, Consumer<String> log) {
    RequestStream stream = new RequestStream();
    stream.executor.scheduleWithFixedDelay(
        () -> {
          int status;
          try {
            status = request.getAsInt();
          } catch (RuntimeException e) {
            stream.sent.incrementAndGet();
            stream.failed(e.getMessage());
            return;
          }
          stream.sent.incrementAndGet();
          if (status != 200) {
            stream.failed("HTTP " + status);
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    return stream;
  }

  private void failed(String what) {
    failed.incrementAndGet();
    synchronized (failures) {
      if (failures.size() < 5) {
        failures.add(what);
      }
    }
  }

  /**
   * Stops after the request in flight has answered: interrupting it would count this stop as a
   * failed request.
   */
  Result stop() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(90, TimeUnit.SECONDS)) {
        close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
    }
    synchronized (failures) {
      return new Result(sent.get(), failed.get(), List.copyOf(failures));
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
