# shellcheck shell=bash
# Helpers shared by the image recipes. Sourced, not executed.

log() { printf '[images %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The Debian mirror is taken from this machine's apt configuration, so the
# recipes work behind whatever mirror the host already uses.
debian_mirror() {
  if [[ -n ${KUBERAY_IMAGES_DEBIAN_MIRROR:-} ]]; then echo "$KUBERAY_IMAGES_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -rhoE '^URIs:\s*\S+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
  [[ -z $uri ]] && uri=$(grep -rhoE '^deb\s+(\[[^]]*\]\s+)?\S+/debian/?\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | awk '{print $NF}')
  [[ -n $uri ]] || die "no Debian mirror found in /etc/apt; set KUBERAY_IMAGES_DEBIAN_MIRROR"
  echo "$uri"
}

# debootstrap_rootfs DIR PKG,PKG,... — a minbase Debian rootfs. Downloaded .debs
# are kept in the cache so that a rebuild does not fetch them again.
debootstrap_rootfs() {
  local dir=$1 pkgs=$2
  mkdir -p "$CACHE_DIR/debs"
  debootstrap --variant=minbase --cache-dir="$CACHE_DIR/debs" --include="$pkgs" \
    "$DEBIAN_SUITE" "$dir" "$(debian_mirror)" >"$dir.debootstrap.log" 2>&1 \
    || { tail -n 30 "$dir.debootstrap.log" >&2; die "debootstrap failed"; }
  rm -f "$dir.debootstrap.log"
}

# Mount /proc, /sys, /dev into a rootfs for chroot work; chroot_umount undoes it.
chroot_mount() {
  local r=$1
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys" && mount --make-rslave "$r/sys"
  mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev"
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
}
chroot_umount() {
  local r=$1 m
  # Deepest mounts first.
  for m in $(awk -v r="$r" 'index($2, r"/") == 1 {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

# Strip what a container image does not need from a Debian rootfs.
slim_rootfs() {
  local r=$1
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
         "$r"/var/log/* "$r"/tmp/* "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
         "$r"/usr/share/locale/* "$r"/root/.cache
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
}

# go_env — Go settings for every build: module mode even where a vendor dir
# exists, and module/build caches that survive between runs but live outside
# the repository.
go_env() {
  export GOFLAGS=-mod=mod
  export GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build"
  export GOTOOLCHAIN=local
  mkdir -p "$GOMODCACHE" "$GOCACHE"
}

# docker_build_dir TAG CONTEXT_DIR — builds CONTEXT_DIR/Dockerfile with the
# classic builder (no BuildKit/buildx needed, and FROM scratch pulls nothing).
# Its deprecation notice is only shown if the build fails.
docker_build_dir() {
  local tag=$1 ctx=$2
  DOCKER_BUILDKIT=0 docker build -q --rm --force-rm -t "$tag" "$ctx" >"$ctx.build.log" 2>&1 \
    || { cat "$ctx.build.log" >&2; return 1; }
}
