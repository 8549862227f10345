#!/usr/bin/env bash
# pause: our own static sandbox binary in a FROM scratch image.
set -euo pipefail
source "$IMAGES_DIR/lib/common.sh"; go_env
out=$1
mkdir -p "$WORK/src" "$WORK/ctx"
cp "$IMAGES_DIR/pause/main.go" "$IMAGES_DIR/pause/go.mod" "$WORK/src/"
(cd "$WORK/src" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$WORK/ctx/pause" .)
cat >"$WORK/ctx/Dockerfile" <<EOD
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
EOD
docker_build_dir "$out" "$WORK/ctx"
