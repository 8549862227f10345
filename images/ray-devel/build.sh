#!/usr/bin/env bash
# Ray of another version ($2) for the KubeRay samples pinned to it (v1.5.0's
# ray-job.sample.yaml runs rayproject/ray:2.46.0).
#
# Built from the `ray` image (images/ray, a dependency of this target) instead
# of a debootstrap of its own: its rootfs (Debian minbase, Python 3.11, user
# ray, the PATH wrappers) with the venv replaced by one holding
# ray[default,serve]==$2 and protobuf<7 (images/ray's pins), installed with uv
# (the same packages pip would pick, in a fraction of pip's time). Plus what a
# runtime_env needs to build an sdist in the pod: on Python 3.11
# pendulum==2.1.2 (the sample's pip list) has no wheel, so it compiles.
# rayproject/ray's CPU images remove g++ (docker/base-deps): the compiler is
# here only because the Python differs.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"
out=$1 version=$2
r="$WORK/rootfs"
venv=/home/ray/venv
from="$REPO_PREFIX/ray:$RAY_VERSION"
trap 'chroot_umount "$r"' EXIT

log "ray $version: rootfs of $from"
mkdir -p "$r"
cid=$(docker create "$from")
docker export "$cid" | tar -C "$r" --numeric-owner -xf -
docker rm "$cid" >/dev/null
rm -f "$r/.dockerenv"
chroot_mount "$r"

log "ray $version: apt-get install gcc python3-dev"
chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev python3-dev >/dev/null'

# A fresh venv (with pip, which the runtime_env's pip plugin runs); uv runs
# from a throwaway venv under /tmp, which slim_rootfs deletes.
rm -rf "${r:?}$venv"
chroot "$r" python3 -m venv "$venv"
mkdir -p "$CACHE_DIR/pip" "$CACHE_DIR/uv" "$r/root/.cache/pip" "$r/root/.cache/uv"
mount --bind "$CACHE_DIR/pip" "$r/root/.cache/pip"
mount --bind "$CACHE_DIR/uv" "$r/root/.cache/uv"
# The host's CA bundle during the build only, as images/ray does.
pip_env=(HOME=/root PATH=/usr/bin:/bin PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180
  UV_CACHE_DIR=/root/.cache/uv UV_LINK_MODE=copy UV_HTTP_TIMEOUT=180)
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp /etc/ssl/certs/ca-certificates.crt "$r/tmp/build-ca.crt"
  pip_env+=(PIP_CERT=/tmp/build-ca.crt SSL_CERT_FILE=/tmp/build-ca.crt)
fi
log "ray $version: uv pip install ray[default,serve]==$version protobuf<7"
chroot "$r" python3 -m venv /tmp/uv
chroot "$r" env -i "${pip_env[@]}" /tmp/uv/bin/pip install --quiet uv
chroot "$r" env -i "${pip_env[@]}" /tmp/uv/bin/uv pip install --quiet --python "$venv/bin/python" \
  "ray[default,serve]==${version}" "protobuf<7"
chroot "$r" env -i "${pip_env[@]}" "$venv/bin/ray" --version >/dev/null

# The pod's runtime_env pip reaches PyPI the way this host does: trust the CAs
# the host added (a TLS-inspecting proxy's), and point pip's own bundle at them.
extra_ca=0
for c in /usr/local/share/ca-certificates/*.crt; do
  [[ -f $c ]] && cp "$c" "$r/usr/local/share/ca-certificates/" && extra_ca=1
done
((extra_ca)) && chroot "$r" update-ca-certificates >/dev/null 2>&1
chroot "$r" chown -R 1000:100 /home/ray
chroot_umount "$r"
slim_rootfs "$r"

# Same image config as the ray image (user, workdir, env, cmd).
changes=()
while IFS= read -r line; do changes+=(--change "$line"); done < <(docker image inspect -f \
  '{{range .Config.Env}}ENV {{.}}{{"\n"}}{{end}}USER {{.Config.User}}{{"\n"}}WORKDIR {{.Config.WorkingDir}}{{"\n"}}CMD {{json .Config.Cmd}}' "$from")
((extra_ca)) && changes+=(--change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt')
# Ray 2.46's dashboard gives each module subprocess 30 s to start; on a loaded
# 2-core machine MetricsHead misses that, the dashboard stops serving and the
# head stays not Ready until its liveness probe restarts it (10 min), again and
# again. The samples pinned to this image cannot set it (they run unchanged),
# so the image does: 300 s, what the harness's own specs set for Ray 2.52.
changes+=(--change 'ENV RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT=300')
log "ray $version: docker import"
tar -C "$r" --numeric-owner -cf - . | docker import "${changes[@]}" - "$out" >/dev/null
