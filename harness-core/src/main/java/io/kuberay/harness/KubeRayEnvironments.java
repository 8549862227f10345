package io.kuberay.harness;

import io.kuberay.harness.settings.Setting;
import io.kuberay.harness.settings.SettingsReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide registry of shared environments: one started environment per settings, reused by
 * every test class and scenario that asks for the same settings.
 *
 * <p>Holders take a {@link Lease}. When the last lease of an environment is released it stays open,
 * idle, for the next holder of the same settings; at most {@code kuberay.environments.idle} idle
 * environments are kept, and the least recently released beyond that are closed (so a suite of many
 * configurations never holds them all at once). {@link #shared} hands out an environment pinned
 * until JVM exit. Everything still open is closed at JVM exit.
 */
public final class KubeRayEnvironments {

  private static final Logger logger = LoggerFactory.getLogger(KubeRayEnvironments.class);
  private static final int MAX_IDLE = 32;
  private static final Map<EnvironmentSettings, Entry> SHARED = new HashMap<>();

  /** Orders releases: the entry released longest ago has the smallest number. */
  private static long releases;

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

  /**
   * A hold on the shared environment for these settings, started now unless one is open (held or
   * idle); release it with {@link Lease#close()}.
   */
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

  /**
   * {@code kuberay.environments.idle} as set, else the default.
   *
   * @throws IllegalArgumentException naming the setting when it is not a whole number in bounds
   */
  static int idleLimit(Optional<String> value) {
    return SettingsReader.wholeNumber(
        Setting.ENVIRONMENTS_IDLE,
        value,
        0,
        MAX_IDLE,
        "0 (close at the last release) to " + MAX_IDLE);
  }

  /** Closes every environment no lease holds and nothing pinned (the end of a test run). */
  public static void closeIdle() {
    closeEach(idleBeyond(0));
  }

  /** Closes every shared environment now (also done at JVM exit). */
  public static void closeAll() {
    List<KubeRayEnvironment> all;
    synchronized (SHARED) {
      all = SHARED.values().stream().map(e -> e.environment).toList();
      SHARED.clear();
    }
    closeEach(all);
  }

  /** Environments open in the registry: held, idle or pinned. */
  static int open() {
    synchronized (SHARED) {
      return (int) SHARED.values().stream().filter(e -> !e.environment.isClosed()).count();
    }
  }

  static void forget(KubeRayEnvironment env) {
    synchronized (SHARED) {
      SHARED.values().removeIf(e -> e.environment == env);
    }
  }

  /** Takes the idle entries beyond {@code limit}, least recently released first, out of the map. */
  private static List<KubeRayEnvironment> idleBeyond(int limit) {
    synchronized (SHARED) {
      List<Map.Entry<EnvironmentSettings, Entry>> idle =
          SHARED.entrySet().stream()
              .filter(e -> e.getValue().idle())
              .sorted(Comparator.comparingLong(e -> e.getValue().releasedAt))
              .toList();
      List<KubeRayEnvironment> closing = new ArrayList<>();
      for (int i = 0; i < idle.size() - limit; i++) {
        SHARED.remove(idle.get(i).getKey());
        closing.add(idle.get(i).getValue().environment);
      }
      return closing;
    }
  }

  /** Outside the registry's lock: closing a k3s environment takes seconds. */
  private static void closeEach(List<KubeRayEnvironment> environments) {
    for (KubeRayEnvironment environment : environments) {
      try {
        environment.close();
      } catch (RuntimeException e) {
        logger.warn("Closing the shared environment {} failed", environment, e);
      }
    }
  }

  private static final class Entry {
    private final KubeRayEnvironment environment;
    private int holders;
    private boolean pinned;
    private long releasedAt;

    Entry(KubeRayEnvironment environment) {
      this.environment = environment;
    }

    boolean idle() {
      return holders <= 0 && !pinned;
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

    /**
     * Releases the hold; the environment stays open, idle, for the next lease of its settings, and
     * the idle environments beyond {@code kuberay.environments.idle} are closed.
     *
     * @throws IllegalArgumentException when {@code kuberay.environments.idle} is malformed (the
     *     lease is released and the environment closed all the same)
     */
    @Override
    public void close() {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      int limit;
      IllegalArgumentException malformed = null;
      try {
        limit = idleLimit(SettingsReader.get(Setting.ENVIRONMENTS_IDLE));
      } catch (IllegalArgumentException e) {
        limit = 0;
        malformed = e;
      }
      synchronized (SHARED) {
        entry.holders--;
        entry.releasedAt = ++releases;
      }
      closeEach(idleBeyond(limit));
      if (malformed != null) {
        throw malformed;
      }
    }
  }
}
