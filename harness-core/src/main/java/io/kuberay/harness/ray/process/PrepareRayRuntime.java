package io.kuberay.harness.ray.process;

/**
 * Finds or provisions the default Ray runtime and exits: {@code ./kuberay-harness} runs it in the
 * background while the rest of a first build goes on, so the first {@code smoke} does not wait for
 * Ray's download after the build (the cache's file lock keeps the two JVMs apart). Exit code 0 when
 * Ray is available; otherwise 1, after the reason and its fix are printed.
 */
public final class PrepareRayRuntime {

  private PrepareRayRuntime() {}

  public static void main(String[] args) {
    System.exit(RayRuntime.resolve().isAvailable() ? 0 : 1);
  }
}
