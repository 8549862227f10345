Feature: Scaling a worker group
  Changing a worker group's replicas, as kubectl patch or the autoscaler would, adds and removes worker pods.
  The cluster has a namespace of its own that is deleted after the scenario. Its pods request 200m CPU so
  that three of them fit a 2-CPU k3s node beside the tutorial cluster.

  Scenario: The chart's workergroup goes from 1 to 2 workers and back to 1
    Given the KubeRay operator v1.1.0 is installed with kustomize
    When I install the ray-cluster chart v1.1.0 as release "scaling" with values:
      | head.resources.requests.cpu   | 200m |
      | worker.resources.requests.cpu | 200m |
    Then the RayCluster "scaling-kuberay" is ready within 3 minutes
    When I scale worker group "workergroup" of the RayCluster "scaling-kuberay" to 2 replicas
    Then 2 pods with labels "ray.io/cluster=scaling-kuberay,ray.io/group=workergroup" are running and ready within 2 minutes
    And the RayCluster "scaling-kuberay" has 2 available workers within 2 minutes
    When I scale worker group "workergroup" of the RayCluster "scaling-kuberay" to 1 replica
    Then 1 pod with labels "ray.io/cluster=scaling-kuberay,ray.io/group=workergroup" is running and ready within 2 minutes
    And the RayCluster "scaling-kuberay" has 1 available worker within 2 minutes
