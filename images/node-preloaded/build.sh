#!/usr/bin/env bash
# node-preloaded: the node image plus the operator and Ray image tarballs, imported into containerd while the
# node boots (kube-node-preloaded), so that a k3s environment side-loads nothing. Labels say which images it
# carries (Docker image IDs) and which node image it extends: the harness picks it by those IDs, not by name,
# and side-loads any image that has changed since.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"
out=$1
base="$REPO_PREFIX/k8s-node:$KUBE_VERSION"
# Smallest first: the operator is needed before Ray.
images=("$REPO_PREFIX/kuberay-operator:$KUBERAY_LEGACY_VERSION" "$REPO_PREFIX/kuberay-operator:$KUBERAY_VERSION" "$REPO_PREFIX/ray:$RAY_VERSION")
ctx="$WORK/ctx"
mkdir -p "$ctx/preloaded"
cp "$IMAGES_DIR/node-preloaded/kube-node-preloaded" "$ctx/"
ids=() n=0
for image in "${images[@]}"; do
  id=$(docker image inspect -f '{{.Id}}' "$image")
  n=$((n + 1))
  log "node-preloaded: docker save $image ($id)"
  docker save "$image" -o "$ctx/preloaded/$n-${id#sha256:}.tar"
  ids+=("$id")
done
base_id=$(docker image inspect -f '{{.Id}}' "$base")
cat >"$ctx/Dockerfile" <<EOD
FROM $base
COPY preloaded/ /opt/kube-node/preloaded/
COPY kube-node-preloaded /usr/local/bin/kube-node-preloaded
LABEL io.kuberay.harness.preloaded.base="$base_id" io.kuberay.harness.preloaded="$(IFS=,; echo "${ids[*]}")"
ENTRYPOINT ["/usr/local/bin/kube-node-preloaded"]
CMD ["server"]
EOD
log "node-preloaded: docker build"
docker_build_dir "$out" "$ctx"
