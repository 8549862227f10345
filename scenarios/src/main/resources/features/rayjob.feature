@rayjob
Feature: RayJob custom resources
  A RayJob (K8sJobMode) makes the operator create a RayCluster, submit the entrypoint through a submitter
  Job once the cluster is ready, follow the Ray job to its end and, with shutdownAfterJobFinishes, delete
  the cluster. The head requests 200m CPU so that it and the submitter pod (500m) fit a 2-CPU k3s node
  beside the tutorial cluster; its limit, which sets Ray's CPU count, stays at 1.

  Scenario: A RayJob creates its cluster, runs the entrypoint and completes
    Given the KubeRay operator v1.1.0 is installed with kustomize
    When I create the Kubernetes resource:
      """yaml
      apiVersion: ray.io/v1
      kind: RayJob
      metadata:
        name: rayjob-sample
      spec:
        entrypoint: python -c "import ray; ray.init(); print(ray.cluster_resources())"
        shutdownAfterJobFinishes: true
        rayClusterSpec:
          rayVersion: "2.52.0"
          headGroupSpec:
            rayStartParams:
              dashboard-host: "0.0.0.0"
            template:
              spec:
                containers:
                  - name: ray-head
                    image: rayproject/ray:2.52.0
                    resources:
                      requests: {cpu: 200m, memory: 2G}
                      limits: {cpu: "1", memory: 2G}
      """
    # Real KubeRay v1.1.0 retries a failed job-status query with exponential backoff: when its first queries
    # come before the submitter has submitted (a loaded machine), the status can lag the job by minutes.
    Then the RayJob "rayjob-sample" reaches job status SUCCEEDED within 6 minutes
    And the RayJob "rayjob-sample" reaches deployment status "Complete" within 1 minute
