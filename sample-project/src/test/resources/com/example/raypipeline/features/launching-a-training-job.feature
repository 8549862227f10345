Feature: Launching a training job
  The pipeline launches each training run as a RayJob: KubeRay brings up a RayCluster for it, submits the
  entrypoint, records how the Ray job ended and shuts the cluster down.

  Scenario: A Ray program runs to completion
    Given the KubeRay operator is installed
    And the Kubernetes namespace "training"
    When the training job "cluster-resources" is launched in namespace "training" with entrypoint:
      """
      python -c "import ray; ray.init(); print(ray.cluster_resources())"
      """
    Then the training job has finished with deployment status "Complete" and Ray job status "SUCCEEDED"
    And the RayJob "cluster-resources" reaches job status SUCCEEDED within 10 seconds
    And the RayJob "cluster-resources" reaches deployment status "Complete" within 10 seconds
