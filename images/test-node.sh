#!/usr/bin/env bash
# End-to-end check of the locally built images: starts the k8s-node image the
# way Testcontainers would (minus --privileged, which this kind of host
# refuses), imports the Ray and operator images with "ctr import" as
# K3sContainer.loadImages does, installs the KubeRay operator and runs a
# RayCluster with one head and one worker. Removes its container on exit.
#
# Usage: test-node.sh [KUBERAY_MANIFEST]
#   KUBERAY_MANIFEST  rendered kustomize-default.yaml of KubeRay v1.5.0
#                     (default: ../../shared/kuberay/v1.5.0/kustomize-default.yaml)
set -euo pipefail
IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
set -a; source "$IMAGES_DIR/versions.env"; set +a
source "$IMAGES_DIR/lib/common.sh"
prefix=${KUBERAY_IMAGES_PREFIX:-kuberay-harness}
node_image="$prefix/k8s-node:$KUBE_VERSION"
ray_image="$prefix/ray:$RAY_VERSION"
operator_image="$prefix/kuberay-operator:$KUBERAY_VERSION"
manifest=${1:-$IMAGES_DIR/../../shared/kuberay/$KUBERAY_VERSION/kustomize-default.yaml}
[[ -f $manifest ]] || die "KubeRay manifest not found: $manifest"

name="kh-node-test-$$"
# "docker stop" (SIGTERM) first: the entry point then removes its pods' cgroup
# directories from the host; a plain "rm -f" (SIGKILL) leaves them behind.
cleanup() { docker stop -t 10 "$name" >/dev/null 2>&1 || true; docker rm -f -v "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
k() { docker exec -i "$name" kubectl "$@"; }

start=$SECONDS
# The flags K3sContainer uses, with the privileged mode replaced by explicit
# capabilities (CAP_SYS_RESOURCE is not in this host's bounding set).
docker run -d --name "$name" \
  --cap-add=ALL --cap-drop=SYS_RESOURCE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
  --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --device /dev/kmsg \
  --tmpfs /run --tmpfs /var/run -p 127.0.0.1::6443 \
  "$node_image" server --disable=traefik,servicelb,metrics-server,local-storage \
  --pause-image="$prefix/pause:$PAUSE_VERSION" --tls-san=localhost >/dev/null
for ((i = 0; i < 240; i++)); do
  docker logs "$name" 2>&1 | grep -q 'Node controller sync successful' && break
  docker inspect -f '{{.State.Running}}' "$name" | grep -q true || { docker logs "$name"; die "node exited"; }
  sleep 0.5
done
k get nodes | grep -q ' Ready ' || die "node not Ready"
log "node Ready after $((SECONDS - start))s"

t=$SECONDS
docker save "$ray_image" "$operator_image" | docker exec -i "$name" ctr images import - >/dev/null 2>&1
log "images imported in $((SECONDS - t))s"

sed "s#image: quay.io/kuberay/operator:.*#image: $operator_image#" "$manifest" | k apply --server-side -f - >/dev/null
k wait --for=condition=Available deploy/kuberay-operator --timeout=180s >/dev/null
log "operator Available"

k apply -f - >/dev/null <<EOF
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc-smoke}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
        - name: ray-head
          image: $ray_image
          resources: {limits: {cpu: "1", memory: 2Gi}, requests: {cpu: 200m, memory: 1Gi}}
  workerGroupSpecs:
  - groupName: wg
    replicas: 1
    minReplicas: 1
    maxReplicas: 1
    rayStartParams: {}
    template:
      spec:
        containers:
        - name: ray-worker
          image: $ray_image
          resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 200m, memory: 512Mi}}
EOF
for ((i = 0; i < 100; i++)); do
  [[ $(k get raycluster rc-smoke -o jsonpath='{.status.state}') == ready ]] && break
  sleep 3
done
k get pods -o wide
[[ $(k get raycluster rc-smoke -o jsonpath='{.status.state}') == ready ]] || die "RayCluster not ready"
# Both Ray nodes must have joined (the worker found the head through cluster DNS).
head=$(k get pod -l ray.io/node-type=head -o name)
nodes=$(k exec "$head" -- python -c 'import ray; ray.init(); print(len([n for n in ray.nodes() if n["Alive"]]))' 2>/dev/null | tail -n1)
[[ $nodes == 2 ]] || die "expected 2 alive Ray nodes, got '$nodes'"
log "RayCluster ready with $nodes Ray nodes; total $((SECONDS - start))s"
echo "1 passed, 0 failed"
