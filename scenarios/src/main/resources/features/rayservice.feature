@rayservice
Feature: RayService: Ray Serve applications and zero-downtime upgrades
  A RayService makes the operator create a RayCluster, deploy the Serve config through the head's dashboard
  and, once every application runs, point the serve service at the cluster. A change of the cluster config
  rolls out a new cluster; traffic moves when its applications run and the old cluster goes after
  rayClusterDeletionDelaySeconds. The application comes from this repository (src/main/resources/serve-apps),
  as a ConfigMap mounted in the Ray containers and put on their PYTHONPATH (the same on every backend; Serve's
  runtime_env takes remote URIs only). The old cluster stays
  30 s after the switch, so that requests it still answers finish on a slow machine.

  Scenario: A Serve app answers through the serve service and survives a cluster upgrade without a failed request
    Given the KubeRay operator v1.5.0 is installed with kustomize
    And Serve applications are imported from the directory "src/main/resources/serve-apps"
    When I create the RayService:
      """yaml
      apiVersion: ray.io/v1
      kind: RayService
      metadata:
        name: greeter
      spec:
        rayClusterDeletionDelaySeconds: 30
        serveConfigV2: |
          applications:
            - name: greeter
              import_path: greeter:app
              route_prefix: /greet
              args:
                greeting: hello
        rayClusterConfig:
          rayVersion: "2.52.0"
          headGroupSpec:
            rayStartParams: {}
            template:
              spec:
                containers:
                  - name: ray-head
                    image: rayproject/ray:2.52.0
                    ports:
                      - {containerPort: 6379, name: gcs-server}
                      - {containerPort: 8265, name: dashboard}
                      - {containerPort: 10001, name: client}
                      - {containerPort: 8000, name: serve}
                    resources:
                      requests: {cpu: 500m, memory: 1G}
                      limits: {cpu: "1", memory: 2G}
      """
    Then the RayService "greeter" is running within 8 minutes
    And an HTTP request to the serve service path "/greet" of the RayService "greeter" answers "hello, v1" with status 200
    When I keep sending requests to the serve service path "/greet" of the RayService "greeter"
    And I upgrade the RayService "greeter" by setting the cluster environment variable "GREETER_VERSION" to "v2"
    Then the RayService "greeter" serves from a new cluster within 8 minutes
    And an HTTP request to the serve service path "/greet" of the RayService "greeter" answers "hello, v2" with status 200
    And no request to the serve service failed
    And the RayService "greeter"'s old cluster is deleted within 3 minutes
