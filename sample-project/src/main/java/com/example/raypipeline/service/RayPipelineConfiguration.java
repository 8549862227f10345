package com.example.raypipeline.service;

import com.example.raypipeline.TrainingJobLauncher;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's own clients, built from {@link RayPipelineProperties}. */
@Configuration(proxyBeanMethods = false)
class RayPipelineConfiguration {

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(RayPipelineProperties properties) {
    if (properties.kubeconfig() == null || properties.kubeconfig().isBlank()) {
      return new KubernetesClientBuilder().build();
    }
    try {
      Config config = Config.fromKubeconfig(Files.readString(Path.of(properties.kubeconfig())));
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read ray-pipeline.kubeconfig " + properties.kubeconfig(), e);
    }
  }

  @Bean
  TrainingJobLauncher trainingJobLauncher(KubernetesClient client, RayPipelineProperties properties) {
    return new TrainingJobLauncher(client, properties.namespace());
  }

  @Bean
  RayJobsApi rayJobsApi(RayPipelineProperties properties) {
    return new RayJobsApi(properties.rayAddress());
  }
}
