package com.example.raypipeline.service;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the service's Kubernetes and Ray are: {@code ray-pipeline.kubeconfig} (a kubeconfig file; empty: fabric8's
 * usual lookup, {@code KUBECONFIG} or {@code ~/.kube/config} or the pod's service account),
 * {@code ray-pipeline.namespace} for its RayJobs and {@code ray-pipeline.ray-address}, the Ray Jobs API (the
 * dashboard, e.g. {@code http://raycluster-kuberay-head-svc:8265}).
 */
@ConfigurationProperties("ray-pipeline")
public record RayPipelineProperties(String kubeconfig, String namespace, URI rayAddress) {

  public RayPipelineProperties {
    if (namespace == null || namespace.isBlank()) {
      namespace = "default";
    }
    if (rayAddress == null) {
      throw new IllegalArgumentException("ray-pipeline.ray-address is not set; set it to the Ray dashboard, e.g. http://raycluster-kuberay-head-svc:8265");
    }
  }
}
