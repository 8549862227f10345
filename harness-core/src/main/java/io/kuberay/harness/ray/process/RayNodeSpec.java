package io.kuberay.harness.ray.process;

import io.kuberay.harness.Internal;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to start as one Ray node: head or worker, the {@code ray start} parameters the KubeRay
 * operator generated, extra environment, a log file and a name. Immutable; build with {@link
 * #head(String)} or {@link #worker(String, String)}.
 *
 * <p>Parameters are given without dashes, as in {@code rayStartParams} ({@code num-cpus=1}, {@code
 * block=true}). Every port, the node IP, the dashboard host, the temp dir and the object store size
 * are decided by the launcher and override the values given here.
 */
@Internal
public final class RayNodeSpec {

  /** Default object store size: Ray would otherwise take 30% of the machine's RAM per node. */
  public static final long DEFAULT_OBJECT_STORE_MEMORY = 100_000_000L;

  private final boolean head;
  private final String name;
  private final String headGcsAddress;
  private final Map<String, String> rayStartParams;
  private final Map<String, String> env;
  private final Path logFile;
  private final long objectStoreMemory;
  private final ProcessWrapper wrapper;
  private final Path workingDir;
  private final int gcsPort;

  private RayNodeSpec(Builder b) {
    this.head = b.head;
    this.name = b.name;
    this.headGcsAddress = b.headGcsAddress;
    this.rayStartParams = Collections.unmodifiableMap(new TreeMap<>(b.rayStartParams));
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.logFile = b.logFile;
    this.objectStoreMemory = b.objectStoreMemory;
    this.wrapper = b.wrapper;
    this.workingDir = b.workingDir;
    this.gcsPort = b.gcsPort;
  }

  /**
   * The port a head's GCS listens on; 0: a free one. Fixed when a restarted head must be found
   * where the last one was (a GCS fault-tolerant cluster's workers reconnect there).
   */
  public int gcsPort() {
    return gcsPort;
  }

  /** A head node, e.g. named after its pod. */
  public static Builder head(String name) {
    return new Builder(true, name, null);
  }

  /**
   * A worker node joining the head whose GCS listens at {@code headGcsAddress} ({@code
   * 127.0.0.1:<port>}).
   */
  public static Builder worker(String name, String headGcsAddress) {
    Objects.requireNonNull(headGcsAddress, "headGcsAddress");
    if (!headGcsAddress.matches("[^:]+:\\d+")) {
      throw new IllegalArgumentException(
          "headGcsAddress must be host:port, e.g. 127.0.0.1:6379, but was '"
              + headGcsAddress
              + "'. Use RayNode.gcsAddress() of the head.");
    }
    return new Builder(false, name, headGcsAddress);
  }

  public boolean isHead() {
    return head;
  }

  public String name() {
    return name;
  }

  /** The head's GCS address for a worker; {@code null} for a head. */
  public String headGcsAddress() {
    return headGcsAddress;
  }

  /** The {@code ray start} parameters as given, sorted by key. */
  public Map<String, String> rayStartParams() {
    return rayStartParams;
  }

  public Map<String, String> env() {
    return env;
  }

  public Path logFile() {
    return logFile;
  }

  public long objectStoreMemory() {
    return objectStoreMemory;
  }

  /**
   * How the node's process is started (e.g. inside a pod's mount namespace); {@code null}:
   * directly.
   */
  public ProcessWrapper wrapper() {
    return wrapper;
  }

  /** The node's working directory as its process sees it; {@code null}: the launcher's choice. */
  public Path workingDir() {
    return workingDir;
  }

  @Override
  public String toString() {
    return (head ? "head " : "worker ") + name + " " + rayStartParams;
  }

  /** Fluent builder; {@link #build()} checks that a log file was given. */
  public static final class Builder {
    private final boolean head;
    private final String name;
    private final String headGcsAddress;
    private final Map<String, String> rayStartParams = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path logFile;
    private long objectStoreMemory = DEFAULT_OBJECT_STORE_MEMORY;
    private ProcessWrapper wrapper;
    private Path workingDir;
    private int gcsPort;

    private Builder(boolean head, String name, String headGcsAddress) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("node name must not be blank");
      }
      this.head = head;
      this.name = name;
      this.headGcsAddress = headGcsAddress;
    }

    /** Adds {@code ray start} parameters, keys without leading dashes. */
    public Builder rayStartParams(Map<String, String> params) {
      params.forEach(this::rayStartParam);
      return this;
    }

    public Builder rayStartParam(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value of " + key);
      rayStartParams.put(key.replaceFirst("^--", ""), value);
      return this;
    }

    /** Extra environment for the node's processes (the pod's env). */
    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** Where the node's stdout and stderr go (appended). */
    public Builder logFile(Path file) {
      this.logFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Object store size in bytes; default {@value #DEFAULT_OBJECT_STORE_MEMORY}. Ray requires at
     * least 75 MB.
     */
    public Builder objectStoreMemory(long bytes) {
      if (bytes < 78_643_200L) {
        throw new IllegalArgumentException(
            "Ray needs an object store of at least 75 MiB (78643200 bytes), got " + bytes);
      }
      this.objectStoreMemory = bytes;
      return this;
    }

    /** Starts the node's process through {@code wrapper} (e.g. in a pod's mount namespace). */
    public Builder wrapper(ProcessWrapper wrapper) {
      this.wrapper = wrapper;
      return this;
    }

    /**
     * The working directory, as the (wrapped) process sees it: a container's {@code workingDir}.
     */
    public Builder workingDir(Path directory) {
      this.workingDir = directory;
      return this;
    }

    /** A head's GCS port (see {@link RayNodeSpec#gcsPort()}). */
    public Builder gcsPort(int port) {
      if (!head || port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "gcsPort is a head's, from 0 (a free one) to 65535, was " + port + " for " + name);
      }
      this.gcsPort = port;
      return this;
    }

    public RayNodeSpec build() {
      if (logFile == null) {
        throw new IllegalStateException(
            "RayNodeSpec for " + name + " needs a logFile(Path) for ray's output");
      }
      return new RayNodeSpec(this);
    }
  }
}
