package io.kuberay.harness.internal;

import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Builds fabric8's kind registry on a background thread while the first environment of a JVM
 * starts. Its first polymorphic read (the first watch event of {@code awaitReady}) otherwise builds
 * it in the user's first wait: it loads every model class on the classpath, a large share of the
 * first RayCluster (docs/PERFORMANCE.md). A reader that needs the registry while it is being built
 * waits for it (fabric8 builds it under a lock), so nothing is done twice.
 */
public final class JvmWarmup {

  private static final AtomicBoolean KINDS = new AtomicBoolean();

  private JvmWarmup() {}

  private static void buildKindRegistry() {
    try {
      new KubernetesDeserializer();
    } catch (RuntimeException | LinkageError e) {
      // Only a speed-up is lost: the first reader builds it (and fails the same way, visibly).
      LoggerFactory.getLogger(JvmWarmup.class)
          .debug("Building fabric8's kind registry in the background failed", e);
    }
  }

  public static void kindRegistry() {
    if (KINDS.compareAndSet(false, true)) {
      Thread thread = new Thread(JvmWarmup::buildKindRegistry, "kuberay-harness-kinds");
      thread.setDaemon(true);
      thread.start();
    }
  }
}
