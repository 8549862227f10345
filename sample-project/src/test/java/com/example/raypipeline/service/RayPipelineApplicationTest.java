package com.example.raypipeline.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.raypipeline.TrainingJobLauncher;
import com.example.raypipeline.TrainingJobResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuberay.harness.KubeRayEnvironment;
import io.kuberay.harness.RayClusterHandle;
import io.kuberay.harness.junit.KubeRayNamespace;
import io.kuberay.harness.junit.KubeRayResource;
import io.kuberay.harness.junit.KubeRayTest;
import io.kuberay.harness.junit.RayCluster;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring service, with its own KubernetesClient and Ray Jobs address pointed at the harness's environment:
 * {@code @KubeRayTest} starts it (emulated backend) before Spring builds the context from these properties.
 */
// Real Ray on a busy CI machine can take minutes to start a head.
@KubeRayTest(clusters = @RayCluster(name = "pipeline", readyTimeout = "5m"))
@SpringBootTest
class RayPipelineApplicationTest {

  @KubeRayResource
  static KubeRayEnvironment environment;

  @KubeRayResource
  static RayClusterHandle cluster;

  @KubeRayResource
  @KubeRayNamespace
  static String namespace;

  @DynamicPropertySource
  static void pointAtTheEnvironment(DynamicPropertyRegistry registry) {
    registry.add("ray-pipeline.kubeconfig", () -> environment.kubeconfig().toString());
    registry.add("ray-pipeline.namespace", () -> namespace);
    registry.add("ray-pipeline.ray-address", () -> cluster.dashboardUrl().toString());
  }

  @Autowired
  KubernetesClient client;

  @Autowired
  RayJobsApi rayJobs;

  @Autowired
  TrainingJobLauncher launcher;

  @Test
  @DisplayName("the service's own KubernetesClient (from the kubeconfig, over HTTP) sees the environment's cluster")
  void kubernetesClientPointsAtTheEnvironment() {
    assertThat(client).isNotSameAs(environment.client());
    assertThat(client.pods().inNamespace(namespace).list().getItems())
        .extracting(Pod::getMetadata).extracting(m -> m.getName())
        .anySatisfy(name -> assertThat(name).startsWith("pipeline-head-"));
  }

  @Test
  @DisplayName("the service's Ray Jobs address is the cluster's dashboard, served by real Ray")
  void rayAddressPointsAtTheCluster() {
    assertThat(rayJobs.address()).isEqualTo(cluster.dashboardUrl());
    assertThat(rayJobs.rayVersion()).isEqualTo(TrainingJobLauncher.RAY_VERSION);
  }

  @Test
  @DisplayName("the service's launcher runs a training job through its own client")
  void launcherRunsAJob() {
    TrainingJobResult result = launcher.launch("from-spring", "python -c \"print('hello from spring')\"", Duration.ofMinutes(4));
    assertThat(result.succeeded()).as("%s", result).isTrue();
  }
}
