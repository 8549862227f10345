package io.kuberay.harness.k3s;

import io.kuberay.harness.install.Settings;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.utility.ResourceReaper;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Makes Testcontainers work without a registry, from our code rather than the user's
 * {@code ~/.testcontainers.properties}: the startup checks (which pull alpine) are off, and the Ryuk reaper
 * (which pulls {@code testcontainers/ryuk}) is replaced by Testcontainers' JVM-shutdown-hook reaper unless
 * {@code kuberay.ryuk=true}. Settings the user made explicitly ({@code checks.disable} in their properties,
 * {@code TESTCONTAINERS_RYUK_DISABLED}) are left alone.
 */
final class OfflineTestcontainers {

  static final String RYUK = "kuberay.ryuk";

  private static final Logger logger = LoggerFactory.getLogger(OfflineTestcontainers.class);
  private static boolean configured;

  private OfflineTestcontainers() {}

  static synchronized void configure() {
    if (configured) {
      return;
    }
    configured = true;
    TestcontainersConfiguration config = TestcontainersConfiguration.getInstance();
    // In memory only: getUserProperties() is the live object Testcontainers reads; nothing is written to disk.
    config.getUserProperties().putIfAbsent("checks.disable", "true");
    if (!Settings.flag(RYUK) && System.getenv("TESTCONTAINERS_RYUK_DISABLED") == null) {
      useShutdownHookReaper();
    }
  }

  /**
   * Testcontainers reads "Ryuk disabled" only from the environment variable; set the reaper it would then use.
   * Containers are still removed: by our close(), and by the JVM shutdown hook if the JVM exits first.
   */
  private static void useShutdownHookReaper() {
    try {
      Field instance = ResourceReaper.class.getDeclaredField("instance");
      instance.setAccessible(true);
      synchronized (ResourceReaper.class) {
        if (instance.get(null) == null) {
          Class<?> hookReaper = Class.forName("org.testcontainers.utility.JVMHookResourceReaper");
          Constructor<?> constructor = hookReaper.getDeclaredConstructor();
          constructor.setAccessible(true);
          instance.set(null, constructor.newInstance());
          logger.debug("Ryuk disabled for the k3s backend (set {}=true to use it)", RYUK);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      logger.warn("Could not disable Ryuk ({}); if Testcontainers hangs pulling testcontainers/ryuk, set TESTCONTAINERS_RYUK_DISABLED=true", e.toString());
    }
  }

  static boolean ryukDisabled() {
    try {
      Field instance = ResourceReaper.class.getDeclaredField("instance");
      instance.setAccessible(true);
      Object reaper = instance.get(null);
      return reaper != null && reaper.getClass().getSimpleName().equals("JVMHookResourceReaper");
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
