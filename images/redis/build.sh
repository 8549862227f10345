#!/usr/bin/env bash
# Redis from Debian's redis-server package: the external GCS store for KubeRay's
# GCS fault-tolerance tests on k3s (no registry image can be pulled here).
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"
out=$1
r="$WORK/rootfs"

log "redis: debootstrap $DEBIAN_SUITE minbase + redis-server"
debootstrap_rootfs "$r" redis-server
slim_rootfs "$r"
log "redis: docker import"
# No config file: listen on every interface (the pod's), without protected mode
# (the test's Redis has no password unless the pod passes --requirepass).
tar -C "$r" --numeric-owner -cf - . | docker import \
  --change 'USER redis' \
  --change 'WORKDIR /var/lib/redis' \
  --change 'EXPOSE 6379' \
  --change 'CMD ["redis-server", "--protected-mode", "no", "--bind", "0.0.0.0"]' \
  - "$out" >/dev/null
