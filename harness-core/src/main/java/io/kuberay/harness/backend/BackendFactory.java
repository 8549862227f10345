package io.kuberay.harness.backend;

import io.kuberay.harness.BackendType;
import io.kuberay.harness.EnvironmentSettings;
import java.nio.file.Path;

/**
 * Starts a backend that lives in its own module (k3s: harness-k3s), found with {@link
 * java.util.ServiceLoader} when that module is on the classpath, so a consumer that does not use it
 * carries none of its dependencies. Implementations are listed in {@code
 * META-INF/services/io.kuberay.harness.backend.BackendFactory} and need a public no-argument
 * constructor.
 */
public interface BackendFactory {

  /** The backend this factory starts. */
  BackendType type();

  /**
   * Starts the backend.
   *
   * @param workDir the environment's own directory, deleted when it closes
   */
  ClusterBackend start(EnvironmentSettings settings, Path workDir);
}
