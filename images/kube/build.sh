#!/usr/bin/env bash
# kube: a single-node Kubernetes image with a k3s-compatible surface.
#
# Why not k3s: k3s can only be built from the k3s-io forks of kubernetes, etcd
# and containerd, and the Go module proxy refuses all of them (and k3s itself);
# see docs/IMAGES.md. This image runs the same upstream components k3s bundles,
# built from modules the proxy does serve:
#   kubenode   one multi-call binary: kube-apiserver, kube-controller-manager,
#              kube-scheduler, kubelet, kube-proxy, kubectl and etcd
#   containerd, ctr, containerd-shim-runc-v2 (upstream containerd module)
#   runc, CNI plugins, iptables, conntrack, openssl from Debian
#   /bin/k3s   a bash entry point accepting "k3s server ..." (see rootfs/)
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"; go_env
out=$1
here="$IMAGES_DIR/kube"
r="$WORK/rootfs" src="$WORK/kubenode" bin="$WORK/bin"
mkdir -p "$src" "$bin"
export CGO_ENABLED=0   # static binaries: no libc coupling with the Debian rootfs

log "kube: go build kubenode (k8s $KUBE_VERSION, etcd $ETCD_VERSION)"
"$here/gen-gomod.sh" "$KUBE_VERSION" "$ETCD_VERSION" >"$src/go.mod"
cp "$here/kubenode/main.go" "$src/"
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
ver_pkgs=(k8s.io/component-base/version k8s.io/client-go/pkg/version)
ldflags="-s -w"
for p in "${ver_pkgs[@]}"; do
  # Without these the components report v0.0.0-master, which also confuses
  # the apiserver's compatibility-version logic.
  ldflags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
(cd "$src" && go mod tidy >/dev/null 2>&1 && \
  go build -trimpath -tags providerless -ldflags "$ldflags" -o "$bin/kubenode" .)

log "kube: go install containerd $CONTAINERD_VERSION"
cm=github.com/containerd/containerd/v2
GOBIN="$bin" go install -trimpath -tags "no_btrfs no_devmapper no_zfs" \
  -ldflags "-s -w -X $cm/version.Version=$CONTAINERD_VERSION" \
  "$cm/cmd/containerd@$CONTAINERD_VERSION" "$cm/cmd/ctr@$CONTAINERD_VERSION" \
  "$cm/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION"

log "kube: debootstrap $DEBIAN_SUITE minbase"
debootstrap_rootfs "$r" bash,ca-certificates,runc,containernetworking-plugins,iptables,conntrack,iproute2,openssl,procps,kmod,mount
cp "$bin"/* "$r/usr/local/bin/"
for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd; do
  ln -sf kubenode "$r/usr/local/bin/$c"
done
cp -a "$here/rootfs/." "$r/"
chmod 755 "$r/usr/local/bin/k3s"
ln -sf /usr/local/bin/k3s "$r/bin/k3s"   # K3sContainer's entrypoint path

# Images the cluster needs before anything can be pulled: imported into
# containerd at start (outside the VOLUMEs, so a fresh volume can't hide them).
mkdir -p "$r/opt/kube-node/images"
docker save "$REPO_PREFIX/pause:$PAUSE_VERSION" -o "$r/opt/kube-node/images/pause.tar"
docker save "$REPO_PREFIX/coredns:${COREDNS_VERSION#v}" -o "$r/opt/kube-node/images/coredns.tar"
cat >"$r/etc/kube-node/versions.env" <<EOD
KUBE_VERSION=$KUBE_VERSION
ETCD_VERSION=$ETCD_VERSION
CONTAINERD_VERSION=$CONTAINERD_VERSION
PAUSE_IMAGE=$REPO_PREFIX/pause:$PAUSE_VERSION
COREDNS_IMAGE=$REPO_PREFIX/coredns:${COREDNS_VERSION#v}
EOD

slim_rootfs "$r"
log "kube: docker import"
tar -C "$r" --numeric-owner -cf - . | docker import \
  --change 'ENTRYPOINT ["/bin/k3s"]' \
  --change 'CMD ["server"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/cni' \
  --change 'ENV KUBECONFIG=/etc/rancher/k3s/k3s.yaml' \
  --change 'ENV CONTAINERD_ADDRESS=/run/k3s/containerd/containerd.sock' \
  --change 'ENV CONTAINERD_NAMESPACE=k8s.io' \
  --change 'VOLUME /var/lib/kubelet /var/lib/rancher/k3s /var/lib/cni /var/log' \
  - "$out" >/dev/null
