package com.example.raypipeline.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The ray-pipeline service: launches training jobs on KubeRay and reports the Ray it talks to. */
@SpringBootApplication
@EnableConfigurationProperties(RayPipelineProperties.class)
public class RayPipelineApplication {

  public static void main(String[] args) {
    SpringApplication.run(RayPipelineApplication.class, args);
  }
}
