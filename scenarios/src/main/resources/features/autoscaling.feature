@autoscaling
Feature: Autoscaling with Ray's own autoscaler
  With enableInTreeAutoscaling the operator adds the autoscaler container to the head pod; it runs Ray's
  `ray kuberay-autoscaler`, which raises a worker group's replicas while tasks wait for CPUs and removes idle
  workers after autoscalerOptions.idleTimeoutSeconds. The head has no CPUs, so every task needs a worker.
  The head's dashboard gets 300 s instead of Ray's 30 s to start its module subprocesses: on a loaded machine,
  with the head held to one CPU, they can take longer, and a dashboard that gave up never passes the head probe.

  Scenario: Tasks beyond the cluster's CPUs bring workers up to maxReplicas; idle, they go again
    Given the KubeRay operator v1.5.0 is installed with kustomize
    When I create the Kubernetes resource:
      """yaml
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata:
        name: autoscaling
      spec:
        rayVersion: "2.52.0"
        enableInTreeAutoscaling: true
        autoscalerOptions:
          version: v2
          idleTimeoutSeconds: 20
        headGroupSpec:
          rayStartParams:
            num-cpus: "0"
            dashboard-host: "0.0.0.0"
          template:
            spec:
              containers:
                - name: ray-head
                  image: rayproject/ray:2.52.0
                  env:
                    - name: RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT
                      value: "300"
                  resources:
                    limits: {cpu: "1", memory: 2G}
                    requests: {cpu: 200m, memory: 1G}
        workerGroupSpecs:
          - groupName: small
            replicas: 0
            minReplicas: 0
            maxReplicas: 2
            rayStartParams:
              num-cpus: "1"
            template:
              spec:
                containers:
                  - name: ray-worker
                    image: rayproject/ray:2.52.0
                    resources:
                      limits: {cpu: "1", memory: 1G}
                      requests: {cpu: 200m, memory: 1G}
      """
    Then the RayCluster "autoscaling" is ready within 6 minutes
    When I submit a Ray job with entrypoint:
      """
      python -c "import ray, time; ray.init(); f = ray.remote(num_cpus=1)(lambda i: time.sleep(10) or i); print('done', len(ray.get([f.remote(i) for i in range(4)])))"
      """
    Then worker group "small" of the RayCluster "autoscaling" has 2 ready worker pods within 8 minutes
    And the Ray job reaches status SUCCEEDED within 8 minutes
    And the Ray job logs contain "done 4" within 1 minute
    And worker group "small" of the RayCluster "autoscaling" has 0 ready worker pods within 6 minutes
    And worker group "small" of the RayCluster "autoscaling" has 0 replicas within 1 minute
    And the RayCluster "autoscaling" has created at least 2 and deleted at least 2 worker pods
