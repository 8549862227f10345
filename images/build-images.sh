#!/usr/bin/env bash
# Builds the container images the KubeRay harness needs, locally, from Debian
# packages, PyPI and the Go module proxy only: no image is ever pulled.
#
# Each image is cached under a tag derived from a hash of its inputs (its recipe
# directory, lib/, the versions it uses and the Go toolchain); an image whose
# inputs tag already exists is only re-tagged, so a second run is near-instant.
# See docs/IMAGES.md.
set -euo pipefail

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IMAGES_DIR
# shellcheck source=versions.env
set -a; source "$IMAGES_DIR/versions.env"; set +a
source "$IMAGES_DIR/lib/common.sh"

export CACHE_DIR=${KUBERAY_IMAGES_CACHE:-$HOME/.cache/kuberay-harness/images}
export REPO_PREFIX=${KUBERAY_IMAGES_PREFIX:-kuberay-harness}

# target -> final tag, recipe command, versions it depends on, images it embeds.
declare -A TAG RECIPE VARS DEPS
TAG[pause]="$REPO_PREFIX/pause:$PAUSE_VERSION"
RECIPE[pause]="pause/build.sh"
VARS[pause]="PAUSE_VERSION"

TAG[operator]="$REPO_PREFIX/kuberay-operator:$KUBERAY_VERSION"
RECIPE[operator]="operator/build.sh"
VARS[operator]="KUBERAY_VERSION"

TAG[operator-legacy]="$REPO_PREFIX/kuberay-operator:$KUBERAY_LEGACY_VERSION"
RECIPE[operator-legacy]="operator/build.sh legacy"
VARS[operator-legacy]="KUBERAY_LEGACY_VERSION"

TAG[ray]="$REPO_PREFIX/ray:$RAY_VERSION"
RECIPE[ray]="ray/build.sh"
VARS[ray]="DEBIAN_SUITE RAY_VERSION"

# The ray image's rootfs with another Ray version, plus a compiler (see ray-devel/build.sh).
TAG[ray-2.46]="$REPO_PREFIX/ray:$RAY_LEGACY_VERSION"
RECIPE[ray-2.46]="ray-devel/build.sh $RAY_LEGACY_VERSION"
VARS[ray-2.46]="RAY_VERSION RAY_LEGACY_VERSION"
DEPS[ray-2.46]="ray"   # built from its rootfs

TAG[redis]="$REPO_PREFIX/redis:$DEBIAN_SUITE"
RECIPE[redis]="redis/build.sh"
VARS[redis]="DEBIAN_SUITE"

TAG[coredns]="$REPO_PREFIX/coredns:${COREDNS_VERSION#v}"
RECIPE[coredns]="coredns/build.sh"
VARS[coredns]="COREDNS_VERSION"

TAG[kube]="$REPO_PREFIX/k8s-node:$KUBE_VERSION"
RECIPE[kube]="kube/build.sh"
VARS[kube]="DEBIAN_SUITE KUBE_VERSION ETCD_VERSION CONTAINERD_VERSION"
DEPS[kube]="pause coredns"   # their image tars are baked into the node image

TAG[node-preloaded]="$REPO_PREFIX/k8s-node:$KUBE_VERSION-preloaded"
RECIPE[node-preloaded]="node-preloaded/build.sh"
VARS[node-preloaded]="KUBE_VERSION KUBERAY_VERSION KUBERAY_LEGACY_VERSION RAY_VERSION"
DEPS[node-preloaded]="kube operator operator-legacy ray"   # the node image with their image tars in it

ORDER=(pause operator operator-legacy ray ray-2.46 redis coredns kube node-preloaded)
DEFAULT=(pause operator operator-legacy ray ray-2.46 redis coredns kube node-preloaded)

usage() {
  cat <<EOF
Usage: $(basename "$0") [options] [TARGET...]

Builds local images (default targets: ${DEFAULT[*]}).
Targets:
  pause            ${TAG[pause]}
  operator         ${TAG[operator]}
  operator-legacy  ${TAG[operator-legacy]} (via a wrapper module)
  ray              ${TAG[ray]}
  ray-2.46         ${TAG[ray-2.46]} (+ gcc: for KubeRay samples pinned to it)
  redis            ${TAG[redis]} (Redis for the GCS fault-tolerance parity case)
  coredns          ${TAG[coredns]}
  kube (alias k3s) ${TAG[kube]}: single-node Kubernetes with a k3s-like CLI
  node-preloaded   ${TAG[node-preloaded]}: kube with the operator and Ray images
                   in it (imported while the node boots: nothing to side-load)
  all              every target above

Options:
  --force      rebuild even if an image with the same inputs hash exists
  --no-verify  skip the smoke test run after each build
  --list       print target, tag and inputs hash, build nothing
  -h, --help   this text

Environment:
  KUBERAY_IMAGES_CACHE   cache dir (Go module/build cache, .debs, pip)
                         default: \$HOME/.cache/kuberay-harness/images
  KUBERAY_IMAGES_PREFIX  image repository prefix (default: kuberay-harness)
  KUBERAY_IMAGES_DEBIAN_MIRROR  Debian mirror (default: from /etc/apt)
EOF
}

FORCE=0 VERIFY=1 LIST=0 targets=()
while (($#)); do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --force) FORCE=1 ;;
    --no-verify) VERIFY=0 ;;
    --list) LIST=1 ;;
    all) targets+=("${ORDER[@]}") ;;
    k3s) targets+=(kube) ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [[ -n ${TAG[$1]:-} ]] || { usage >&2; die "unknown target: $1"; }; targets+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${DEFAULT[@]}")

# Add embedded dependencies, then put everything in build order, once each.
declare -A wanted=()
add_target() { local t=$1 d; for d in ${DEPS[$t]:-}; do add_target "$d"; done; wanted[$t]=1; }
for t in "${targets[@]}"; do add_target "$t"; done
plan=(); for t in "${ORDER[@]}"; do [[ -n ${wanted[$t]:-} ]] && plan+=("$t"); done

# inputs_hash TARGET: recipe dir + lib + versions used + Go toolchain +
# the hashes of embedded images. Paths are hashed too, so renames count.
declare -A HASH
inputs_hash() {
  local t=$1 dir=${RECIPE[$1]%%/*} v d
  {
    (cd "$IMAGES_DIR" && find lib "$dir" -type f -print0 | sort -z | xargs -0 sha256sum)
    for v in ${VARS[$t]}; do echo "$v=${!v}"; done
    echo "recipe=${RECIPE[$t]}"
    go version 2>/dev/null || true
    for d in ${DEPS[$t]:-}; do echo "dep $d=${HASH[$d]}"; done
  } | sha256sum | cut -c1-16
}
for t in "${ORDER[@]}"; do HASH[$t]=$(inputs_hash "$t"); done

if ((LIST)); then
  for t in "${plan[@]}"; do printf '%-16s %-45s inputs-%s\n' "$t" "${TAG[$t]}" "${HASH[$t]}"; done
  exit 0
fi

command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "docker daemon not reachable"
[[ $(id -u) == 0 ]] || die "run as root (debootstrap/chroot need it)"
mkdir -p "$CACHE_DIR"

# One temp dir per build; removed on any exit, with the ray recipe's mounts
# unmounted first so that rm never walks into /proc or /dev.
WORK=""
cleanup() {
  if [[ -n $WORK && -d $WORK ]]; then
    chroot_umount "$WORK"
    # --one-file-system: never descend into a bind mount that failed to unmount.
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

smoke_test() {
  local t=$1 tag=$2
  case $t in
    pause)    docker run --rm "$tag" -v >/dev/null ;;
    operator|operator-legacy) docker run --rm "$tag" --help >/dev/null 2>&1 || docker run --rm "$tag" --help 2>&1 | grep -q -- '-metrics-addr' ;;
    ray)      docker run --rm "$tag" bash -lc 'ray --version && python -c "import ray, ray.serve" && which wget' >/dev/null ;;
    ray-2.46) docker run --rm "$tag" bash -lc 'ray --version | grep -qF "$0" && python -c "import ray, ray.serve, sysconfig, os; assert os.path.exists(sysconfig.get_paths()[\"include\"] + \"/Python.h\")" && python -m pip --version && which wget gcc' "$RAY_LEGACY_VERSION" >/dev/null ;;
    redis)    docker run --rm --entrypoint redis-server "$tag" --version >/dev/null ;;
    coredns)  docker run --rm "$tag" -version >/dev/null ;;
    kube)     docker run --rm --entrypoint /bin/k3s "$tag" kubectl version --client >/dev/null ;;
    node-preloaded) docker run --rm --entrypoint /bin/bash "$tag" -c 'ls /opt/kube-node/preloaded/*.tar' >/dev/null ;;
  esac
}

# Earlier builds of a repository that only their inputs-hash tag still names: the version tag has moved to a
# newer build, so nothing asks for them any more, and each holds hundreds of MB to GBs. One a container still
# uses stays (docker refuses).
prune_superseded() {
  local repo=$1 id tags
  for id in $(docker image ls -q "$repo" | sort -u); do
    tags=$(docker image inspect -f '{{join .RepoTags " "}}' "$id")
    [[ -n $tags ]] || continue
    if ! tr ' ' '\n' <<<"$tags" | grep -qvE "^${repo}:inputs-[0-9a-f]+$"; then
      # shellcheck disable=SC2086  # one argument per tag
      docker image rm $tags >/dev/null 2>&1 && log "removed superseded $tags"
    fi
  done
  return 0
}

declare -A RESULT
for t in "${plan[@]}"; do
  tag=${TAG[$t]} cache_tag="${TAG[$t]%:*}:inputs-${HASH[$t]}"
  if ((!FORCE)) && docker image inspect "$cache_tag" >/dev/null 2>&1; then
    docker tag "$cache_tag" "$tag"
    prune_superseded "${TAG[$t]%:*}"
    RESULT[$t]="cached  $tag (inputs-${HASH[$t]})"
    log "$t: up to date ($cache_tag)"
    continue
  fi
  log "$t: building $tag (inputs-${HASH[$t]})"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/kuberay-images.$t.XXXXXX")
  export WORK
  start=$SECONDS
  read -ra recipe <<<"${RECIPE[$t]}"   # "script [arg...]"
  bash "$IMAGES_DIR/${recipe[0]}" "$cache_tag" "${recipe[@]:1}"
  secs=$((SECONDS - start))
  cleanup; WORK=""
  docker tag "$cache_tag" "$tag"
  prune_superseded "${TAG[$t]%:*}"
  if ((VERIFY)); then smoke_test "$t" "$tag" || die "$t: smoke test failed for $tag"; fi
  size=$(docker image inspect -f '{{.Size}}' "$tag")
  RESULT[$t]="built   $tag in ${secs}s ($((size / 1024 / 1024)) MiB)"
  log "$t: built in ${secs}s, $((size / 1024 / 1024)) MiB"
done

log "summary:"
for t in "${plan[@]}"; do printf '  %-16s %s\n' "$t" "${RESULT[$t]}" >&2; done
