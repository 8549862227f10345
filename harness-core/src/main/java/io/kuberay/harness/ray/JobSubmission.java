package io.kuberay.harness.ray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A job to submit through the Jobs API ({@code JobSubmitRequest}). Immutable; each {@code withX}
 * returns a copy:
 *
 * <pre>{@code
 * JobSubmission.entrypoint("python -c 'import ray; ray.init(); print(ray.cluster_resources())'")
 *     .withSubmissionId("smoke-1")
 *     .withMetadata(Map.of("owner", "tests"))
 *     .withEntrypointNumCpus(0.5);
 * }</pre>
 */
public final class JobSubmission {

  private final String entrypoint;
  private final String submissionId;
  private final Map<String, Object> runtimeEnv;
  private final Map<String, String> metadata;
  private final Double entrypointNumCpus;
  private final Double entrypointNumGpus;
  private final Long entrypointMemory;
  private final Map<String, Double> entrypointResources;

  private JobSubmission(
      String entrypoint,
      String submissionId,
      Map<String, Object> runtimeEnv,
      Map<String, String> metadata,
      Double entrypointNumCpus,
      Double entrypointNumGpus,
      Long entrypointMemory,
      Map<String, Double> entrypointResources) {
    this.entrypoint = entrypoint;
    this.submissionId = submissionId;
    this.runtimeEnv = runtimeEnv;
    this.metadata = metadata;
    this.entrypointNumCpus = entrypointNumCpus;
    this.entrypointNumGpus = entrypointNumGpus;
    this.entrypointMemory = entrypointMemory;
    this.entrypointResources = entrypointResources;
  }

  /** A job running this shell command on the head. */
  public static JobSubmission entrypoint(String command) {
    Objects.requireNonNull(command, "command");
    if (command.isBlank()) {
      throw new IllegalArgumentException("entrypoint must not be blank");
    }
    return new JobSubmission(command, null, null, null, null, null, null, null);
  }

  /**
   * The id to submit under; Ray generates {@code raysubmit_…} when absent. Must be unique per
   * cluster.
   */
  public JobSubmission withSubmissionId(String id) {
    return new JobSubmission(
        entrypoint,
        Objects.requireNonNull(id, "id"),
        runtimeEnv,
        metadata,
        entrypointNumCpus,
        entrypointNumGpus,
        entrypointMemory,
        entrypointResources);
  }

  /** A runtime env, e.g. {@code Map.of("env_vars", Map.of("K", "V"))}. */
  public JobSubmission withRuntimeEnv(Map<String, Object> env) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        copy(env),
        metadata,
        entrypointNumCpus,
        entrypointNumGpus,
        entrypointMemory,
        entrypointResources);
  }

  public JobSubmission withMetadata(Map<String, String> values) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        runtimeEnv,
        copy(values),
        entrypointNumCpus,
        entrypointNumGpus,
        entrypointMemory,
        entrypointResources);
  }

  public JobSubmission withEntrypointNumCpus(double cpus) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        runtimeEnv,
        metadata,
        cpus,
        entrypointNumGpus,
        entrypointMemory,
        entrypointResources);
  }

  public JobSubmission withEntrypointNumGpus(double gpus) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        runtimeEnv,
        metadata,
        entrypointNumCpus,
        gpus,
        entrypointMemory,
        entrypointResources);
  }

  /** Memory reserved for the entrypoint, in bytes. */
  public JobSubmission withEntrypointMemory(long bytes) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        runtimeEnv,
        metadata,
        entrypointNumCpus,
        entrypointNumGpus,
        bytes,
        entrypointResources);
  }

  public JobSubmission withEntrypointResources(Map<String, Double> resources) {
    return new JobSubmission(
        entrypoint,
        submissionId,
        runtimeEnv,
        metadata,
        entrypointNumCpus,
        entrypointNumGpus,
        entrypointMemory,
        copy(resources));
  }

  public String entrypoint() {
    return entrypoint;
  }

  /** The chosen submission id, or {@code null} to let Ray pick. */
  public String submissionId() {
    return submissionId;
  }

  /**
   * The request body of {@code POST /api/jobs/}: absent fields are left out (Ray rejects unknown
   * keys).
   */
  Map<String, Object> toRequestBody() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entrypoint", entrypoint);
    putIfSet(body, "submission_id", submissionId);
    putIfSet(body, "runtime_env", runtimeEnv);
    putIfSet(body, "metadata", metadata);
    putIfSet(body, "entrypoint_num_cpus", entrypointNumCpus);
    putIfSet(body, "entrypoint_num_gpus", entrypointNumGpus);
    putIfSet(body, "entrypoint_memory", entrypointMemory);
    putIfSet(body, "entrypoint_resources", entrypointResources);
    return body;
  }

  @Override
  public String toString() {
    return "JobSubmission" + toRequestBody();
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  private static <V> Map<String, V> copy(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
  }
}
