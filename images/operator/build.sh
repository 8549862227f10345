#!/usr/bin/env bash
# KubeRay operator. Usage: build.sh OUT_TAG [legacy]
#  - default: releases without replace directives install directly with
#    "go install module@version".
#  - legacy:  releases whose go.mod has replaces are built inside the wrapper
#    module operator/legacy/go.mod, which repeats them.
# Static (CGO_ENABLED=0) so the binary runs in a FROM scratch image; upstream's
# image instead uses distroless + a FIPS build tag, which this harness doesn't need.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"; go_env
out=$1 mode=${2:-default}
mkdir -p "$WORK/ctx/tmp" "$WORK/src"
chmod 1777 "$WORK/ctx/tmp"   # controller-runtime may write webhook certs under /tmp
export CGO_ENABLED=0
if [[ $mode == legacy ]]; then
  cp "$IMAGES_DIR/operator/legacy/go.mod" "$WORK/src/"
  (cd "$WORK/src" && go build -trimpath -ldflags '-s -w' -o "$WORK/ctx/manager" github.com/ray-project/kuberay/ray-operator)
else
  GOBIN="$WORK/src" go install -trimpath -ldflags '-s -w' "github.com/ray-project/kuberay/ray-operator@${KUBERAY_VERSION}"
  mv "$WORK/src/ray-operator" "$WORK/ctx/manager"
fi
cat >"$WORK/ctx/Dockerfile" <<EOD
FROM scratch
COPY tmp /tmp
COPY manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
EOD
docker_build_dir "$out" "$WORK/ctx"
