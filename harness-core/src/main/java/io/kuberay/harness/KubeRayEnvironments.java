package io.kuberay.harness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide registry of shared environments: one started environment per settings, reused by every
 * test class and scenario that asks for the same settings, closed at JVM exit.
 */
public final class KubeRayEnvironments {

  private static final Map<EnvironmentSettings, KubeRayEnvironment> SHARED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(KubeRayEnvironments::closeAll, "kuberay-harness-shutdown"));
  }

  private KubeRayEnvironments() {}

  /** The shared environment for exactly these settings, started now if there is none (or it was closed). */
  public static KubeRayEnvironment shared(EnvironmentSettings settings) {
    synchronized (SHARED) {
      KubeRayEnvironment env = SHARED.get(settings);
      if (env == null || env.isClosed()) {
        env = KubeRayEnvironment.start(settings);
        SHARED.put(settings, env);
      }
      return env;
    }
  }

  /** Closes every shared environment now (also done at JVM exit). */
  public static void closeAll() {
    synchronized (SHARED) {
      for (KubeRayEnvironment env : SHARED.values().toArray(new KubeRayEnvironment[0])) {
        env.close();
      }
      SHARED.clear();
    }
  }

  static void forget(KubeRayEnvironment env) {
    SHARED.values().remove(env);
  }
}
