package io.kuberay.harness;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process-wide registry of shared environments: one started environment per settings, reused by
 * every test class and scenario that asks for the same settings.
 *
 * <p>Holders take a {@link Lease}; the environment closes when the last lease is released (a test
 * run's root store holds one for the whole run, so classes in between reuse it). {@link #shared}
 * hands out an environment pinned until JVM exit. Everything still open is closed at JVM exit.
 */
public final class KubeRayEnvironments {

  private static final Map<EnvironmentSettings, Entry> SHARED = new HashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(KubeRayEnvironments::closeAll, "kuberay-harness-shutdown"));
  }

  private KubeRayEnvironments() {}

  /** The shared environment for these settings, started now if needed, kept until JVM exit. */
  public static KubeRayEnvironment shared(EnvironmentSettings settings) {
    synchronized (SHARED) {
      Entry entry = entry(settings);
      entry.pinned = true;
      return entry.environment;
    }
  }

  /** A hold on the shared environment for these settings; release it with {@link Lease#close()}. */
  public static Lease acquire(EnvironmentSettings settings) {
    synchronized (SHARED) {
      Entry entry = entry(settings);
      entry.holders++;
      return new Lease(settings, entry);
    }
  }

  private static Entry entry(EnvironmentSettings settings) {
    Objects.requireNonNull(settings, "settings");
    Entry entry = SHARED.get(settings);
    if (entry == null || entry.environment.isClosed()) {
      entry = new Entry(KubeRayEnvironment.start(settings));
      SHARED.put(settings, entry);
    }
    return entry;
  }

  /** Closes every shared environment now (also done at JVM exit). */
  public static void closeAll() {
    synchronized (SHARED) {
      for (Entry entry : SHARED.values().toArray(new Entry[0])) {
        entry.environment.close();
      }
      SHARED.clear();
    }
  }

  static void forget(KubeRayEnvironment env) {
    synchronized (SHARED) {
      SHARED.values().removeIf(e -> e.environment == env);
    }
  }

  private static final class Entry {
    private final KubeRayEnvironment environment;
    private int holders;
    private boolean pinned;

    Entry(KubeRayEnvironment environment) {
      this.environment = environment;
    }
  }

  /** One holder's claim on a shared environment. Closing it twice is harmless. */
  public static final class Lease implements AutoCloseable {
    private final EnvironmentSettings settings;
    private final Entry entry;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(EnvironmentSettings settings, Entry entry) {
      this.settings = settings;
      this.entry = entry;
    }

    public KubeRayEnvironment environment() {
      return entry.environment;
    }

    @Override
    public void close() {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      synchronized (SHARED) {
        entry.holders--;
        if (entry.holders <= 0 && !entry.pinned) {
          SHARED.remove(settings, entry);
          entry.environment.close();
        }
      }
    }
  }
}
