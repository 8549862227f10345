package io.kuberay.harness.emulated.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What client-go's {@code EventCorrelator} (tools/record/events_cache.go) does with an event before
 * it reaches the API server, so that the emulated kubelet's and operator's events look like real
 * ones in {@code kubectl get events} ({@code x5 over 2m}):
 *
 * <ul>
 *   <li>an event identical to an earlier one (source, involved object, type, reason, message)
 *       updates that earlier event: its {@code count} rises and its {@code lastTimestamp} moves;
 *   <li>the 10th different message of one source, object, type and reason within 10 minutes turns
 *       into one event {@code (combined from similar events): <message>}, counted in turn;
 *   <li>a source may record 25 events about one object at once, then one every 5 minutes (a token
 *       bucket): the rest are dropped.
 * </ul>
 *
 * Each cache holds at most 4096 keys, least recently used first out, as client-go's LRU caches.
 */
public final class EventCorrelator {

  private static final int CACHE_ENTRIES = 4096;
  private static final int AGGREGATE_MAX_EVENTS = 10;
  private static final Duration AGGREGATE_INTERVAL = Duration.ofSeconds(600);
  private static final int SPAM_BURST = 25;
  private static final double SPAM_QPS = 1.0 / 300.0;
  private static final String COMBINED = "(combined from similar events): ";

  /** What to do with an event: nothing, create it, or raise the count of an earlier one. */
  public record Result(
      Decision decision, String name, int count, String firstTimestamp, String message) {}

  public enum Decision {
    SKIP,
    CREATE,
    UPDATE
  }

  /** The event's identity, the fields client-go's keys are built from. */
  public record Key(
      String component,
      String kind,
      String namespace,
      String name,
      String uid,
      String apiVersion,
      String type,
      String reason) {}

  private record Observation(int count, String firstTimestamp, String name) {}

  private static final class Aggregate {
    final Set<String> messages = new HashSet<>();
    Instant last = Instant.EPOCH;
  }

  private static final class Bucket {
    double tokens = SPAM_BURST;
    Instant refilled;
  }

  private final Clock clock;
  private final Map<Key, Aggregate> aggregates = lru();
  private final Map<String, Observation> observed = lru();
  private final Map<Key, Bucket> buckets = lru();

  public EventCorrelator(Clock clock) {
    this.clock = clock;
  }

  /**
   * Correlates an event about to be recorded; {@code name} is the name a new event would get and
   * {@code now} its timestamp.
   */
  public synchronized Result correlate(Key key, String message, String name, String now) {
    Instant at = clock.instant();
    // EventAggregate: similar events (differing by message only) counted per aggregate key.
    Aggregate aggregate = aggregates.get(key);
    if (aggregate == null
        || Duration.between(aggregate.last, at).compareTo(AGGREGATE_INTERVAL) > 0) {
      aggregate = new Aggregate();
    }
    aggregate.messages.add(message);
    aggregate.last = at;
    aggregates.put(key, aggregate);
    String observedKey = key + "\u0000" + message;
    String recorded = message;
    if (aggregate.messages.size() >= AGGREGATE_MAX_EVENTS) {
      aggregate.messages.remove(aggregate.messages.iterator().next());
      observedKey = key.toString();
      recorded = COMBINED + message;
    }
    // eventObserve: an identical earlier event is updated (same name, count + 1).
    Observation last = observed.get(observedKey);
    Observation next =
        last == null
            ? new Observation(1, now, name)
            : new Observation(last.count() + 1, last.firstTimestamp(), last.name());
    observed.put(observedKey, next);
    // The spam filter, applied after both, as EventCorrelate does: per source and object.
    if (!tryAccept(spamKey(key), at)) {
      return new Result(Decision.SKIP, next.name(), next.count(), next.firstTimestamp(), recorded);
    }
    return new Result(
        last == null ? Decision.CREATE : Decision.UPDATE,
        next.name(),
        next.count(),
        next.firstTimestamp(),
        recorded);
  }

  private static Key spamKey(Key key) {
    return new Key(
        key.component(),
        key.kind(),
        key.namespace(),
        key.name(),
        key.uid(),
        key.apiVersion(),
        "",
        "");
  }

  private boolean tryAccept(Key spamKey, Instant at) {
    Bucket bucket = buckets.computeIfAbsent(spamKey, k -> new Bucket());
    if (bucket.refilled != null) {
      double elapsed = Duration.between(bucket.refilled, at).toNanos() / 1e9;
      bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + Math.max(0, elapsed) * SPAM_QPS);
    }
    bucket.refilled = at;
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CACHE_ENTRIES;
      }
    };
  }
}
