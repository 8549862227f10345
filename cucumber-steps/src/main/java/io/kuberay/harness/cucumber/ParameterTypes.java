package io.kuberay.harness.cucumber;

import io.cucumber.java.ParameterType;
import io.kuberay.harness.InstallMethod;
import io.kuberay.harness.KubeRayVersion;
import io.kuberay.harness.ray.JobStatus;
import io.kuberay.harness.settings.Durations;
import java.time.Duration;

/**
 * The library's Cucumber parameter types. Their names carry the prefix {@code kuberay} because
 * parameter types are global to the glue and a consumer may well define its own {@code {duration}};
 * the names never show in feature text.
 */
public class ParameterTypes {

  static final String DURATION =
      "\\d+ ?(?:milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|h)";
  static final String LABEL_SELECTOR = "\"([^\"]*)\"";
  static final String JOB_STATUS = "PENDING|RUNNING|STOPPED|SUCCEEDED|FAILED";
  static final String VERSION = "v?\\d+\\.\\d+\\.\\d+";
  static final String INSTALL_METHOD = "kustomize|Helm|helm";

  /** {@code 60 seconds}, {@code 2 minutes}, {@code 90s}, {@code 500 ms}. */
  @ParameterType(name = "kuberayDuration", value = DURATION)
  public Duration duration(String text) {
    return Durations.parse(text);
  }

  /** {@code "ray.io/node-type=head"} or {@code "k=v,k2=v2"}, in double quotes. */
  @ParameterType(name = "kuberayLabelSelector", value = LABEL_SELECTOR)
  public LabelSelector labelSelector(String text) {
    return LabelSelector.parse(text);
  }

  /**
   * {@code running and ready}, {@code running}, {@code pending}, {@code succeeded}, {@code failed}.
   */
  @ParameterType(name = "kuberayPodState", value = PodState.REGEX)
  public PodState podState(String text) {
    return PodState.of(text);
  }

  /** A Ray job status as the Jobs API and RayJob's {@code status.jobStatus} spell it. */
  @ParameterType(name = "kuberayJobStatus", value = JOB_STATUS)
  public JobStatus jobStatus(String text) {
    return JobStatus.valueOf(text);
  }

  /** {@code v1.1.0} or {@code 1.1.0}; an unsupported version fails with the supported list. */
  @ParameterType(name = "kuberayVersion", value = VERSION)
  public KubeRayVersion kuberayVersion(String text) {
    return KubeRayVersion.of(text);
  }

  /** {@code kustomize} or {@code Helm}. */
  @ParameterType(name = "kuberayInstallMethod", value = INSTALL_METHOD)
  public InstallMethod installMethod(String text) {
    return InstallMethod.of(text);
  }
}
