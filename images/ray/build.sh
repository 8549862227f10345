#!/usr/bin/env bash
# Ray: Debian minbase + python3 + a venv with ray[default,serve], imported as an image.
# Mirrors what KubeRay expects of rayproject/ray: /bin/bash, ray and python on
# PATH (login shells too), wget for the probes, user ray uid 1000 gid 100.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"
out=$1
r="$WORK/rootfs"
venv=/home/ray/venv
trap 'chroot_umount "$r"' EXIT

log "ray: debootstrap $DEBIAN_SUITE minbase"
debootstrap_rootfs "$r" bash,python3,python3-venv,wget,ca-certificates,procps
chroot_mount "$r"

# gid 100 is Debian's "users" group, as in rayproject/ray.
chroot "$r" useradd --uid 1000 --gid 100 --create-home --home-dir /home/ray --shell /bin/bash ray
chroot "$r" python3 -m venv "$venv"

# pip's download cache lives in the host cache dir (bind-mounted), never in the image.
mkdir -p "$CACHE_DIR/pip" "$r/root/.cache/pip"
mount --bind "$CACHE_DIR/pip" "$r/root/.cache/pip"
# Trust the host's CA bundle during the build only (the host may reach PyPI
# through a TLS-inspecting proxy); it is deleted with /tmp by slim_rootfs.
pip_env=(HOME=/root PATH="$venv/bin:/usr/bin:/bin" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180)
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp /etc/ssl/certs/ca-certificates.crt "$r/tmp/build-ca.crt"
  pip_env+=(PIP_CERT=/tmp/build-ca.crt)
fi
# Serve so that RayServices run; protobuf<7 because Serve 2.52 reads a field
# protobuf 7 removed (every app DEPLOY_FAILED), the pin the emulated backend's
# runtime has too (harness-core RayProvisioner.PINS).
log "ray: pip install ray[default,serve]==$RAY_VERSION protobuf<7"
chroot "$r" env -i "${pip_env[@]}" "$venv/bin/pip" install --quiet "ray[default,serve]==${RAY_VERSION}" "protobuf<7"
chroot "$r" env -i "${pip_env[@]}" "$venv/bin/ray" --version >/dev/null

# Debian's /etc/profile resets PATH, so "bash -l" (KubeRay <= 1.3 runs
# "/bin/bash -lc") would lose the venv: re-add it from profile.d, and put
# ray/python wrappers in /usr/local/bin for anything else that resets PATH.
cat >"$r/etc/profile.d/ray-venv.sh" <<EOD
case ":\$PATH:" in *":$venv/bin:"*) ;; *) PATH="$venv/bin:\$PATH" ;; esac
export PATH
EOD
ln -sf "$venv/bin/ray" "$r/usr/local/bin/ray"
# python must be a wrapper, not a symlink: a symlinked interpreter outside the
# venv directory would not find pyvenv.cfg and so not see the venv's packages.
printf '#!/bin/sh\nexec %s/bin/python "$@"\n' "$venv" >"$r/usr/local/bin/python"
chmod 755 "$r/usr/local/bin/python"
chroot "$r" chown -R 1000:100 /home/ray

chroot_umount "$r"
slim_rootfs "$r"
log "ray: docker import"
tar -C "$r" --numeric-owner -cf - . | docker import \
  --change 'USER 1000' \
  --change 'WORKDIR /home/ray' \
  --change "ENV PATH=$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV HOME=/home/ray' \
  --change 'CMD ["/bin/bash"]' \
  - "$out" >/dev/null
