#!/usr/bin/env bash
# CoreDNS for cluster DNS (KubeRay workers reach the head by its service FQDN).
# The coredns module has no replace directives, so a plain go install works.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"; go_env
out=$1
mkdir -p "$WORK/ctx"
CGO_ENABLED=0 GOBIN="$WORK/ctx" go install -trimpath -ldflags '-s -w' "github.com/coredns/coredns@${COREDNS_VERSION}"
cat >"$WORK/ctx/Dockerfile" <<EOD
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
EOD
docker_build_dir "$out" "$WORK/ctx"
