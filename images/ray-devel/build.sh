#!/usr/bin/env bash
# Ray of another version ($2) for the KubeRay samples pinned to it (v1.5.0's
# ray-job.sample.yaml runs rayproject/ray:2.46.0). It is images/ray's recipe,
# run unchanged with that RAY_VERSION, plus what a runtime_env needs to build
# an sdist in the pod: on this image's Python 3.11 pendulum==2.1.2 (the sample's
# pip list) has no wheel, so it compiles. rayproject/ray's CPU images remove g++
# (docker/base-deps): the compiler is here only because the Python differs.
# images/ray is called, not edited, so the 2.52.0 image keeps its inputs hash.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"
out=$1 version=$2
r="$WORK/rootfs"
base="${out%:*}:base-${out##*:}"
trap 'chroot_umount "$r"; docker rmi -f "$base" >/dev/null 2>&1 || true' EXIT

RAY_VERSION=$version bash "$IMAGES_DIR/ray/build.sh" "$base"

# images/ray leaves its slimmed rootfs in $WORK: add the compiler to it.
log "ray $version: apt-get install gcc python3-dev"
chroot_mount "$r"
chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev python3-dev >/dev/null'
# The pod's runtime_env pip reaches PyPI the way this host does: trust the CAs
# the host added (a TLS-inspecting proxy's), and point pip's own bundle at them.
extra_ca=0
for c in /usr/local/share/ca-certificates/*.crt; do
  [[ -f $c ]] && cp "$c" "$r/usr/local/share/ca-certificates/" && extra_ca=1
done
((extra_ca)) && chroot "$r" update-ca-certificates >/dev/null 2>&1
chroot_umount "$r"
slim_rootfs "$r"

# Same image config as the base (user, workdir, env, cmd).
changes=()
while IFS= read -r line; do changes+=(--change "$line"); done < <(docker image inspect -f \
  '{{range .Config.Env}}ENV {{.}}{{"\n"}}{{end}}USER {{.Config.User}}{{"\n"}}WORKDIR {{.Config.WorkingDir}}{{"\n"}}CMD {{json .Config.Cmd}}' "$base")
((extra_ca)) && changes+=(--change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt')
log "ray $version: docker import"
tar -C "$r" --numeric-owner -cf - . | docker import "${changes[@]}" - "$out" >/dev/null
