#!/usr/bin/env bash
# Fetches KubeRay's sample manifests (ray-operator/config/samples/*.yaml) of the given releases from the Go module
# proxy (the ray-operator module's zip: no GitHub needed) into the harness's cache, for the tests that apply every
# sample (cli's KubectlValidationIT). Idempotent. Usage: tools/fetch-kuberay-samples.sh [vX.Y.Z ...]
# A release the proxy does not serve is reported and skipped; exit status 1 if none could be had.
set -euo pipefail

PROXY="${GOPROXY:-https://proxy.golang.org}"; PROXY="${PROXY%%,*}"
[[ "$PROXY" == direct || "$PROXY" == off ]] && PROXY=https://proxy.golang.org
CACHE="${KUBERAY_HARNESS_SAMPLES:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberay-harness/kuberay-samples}"
MODULE="github.com/ray-project/kuberay/ray-operator"
VERSIONS=("$@"); [[ ${#VERSIONS[@]} -gt 0 ]] || VERSIONS=(v1.1.0 v1.5.0 v1.7.0)

got=0
for v in "${VERSIONS[@]}"; do
  dir="$CACHE/$v"
  if [[ -f "$dir/.complete" ]]; then got=$((got + 1)); continue; fi
  zip="$(mktemp "${TMPDIR:-/tmp}/kuberay-samples.XXXXXX.zip")"
  code=$(curl -sS -L -o "$zip" -w '%{http_code}' "$PROXY/$MODULE/@v/$v.zip" || echo 000)
  if [[ "$code" != 200 ]]; then
    echo "fetch-kuberay-samples.sh: $MODULE@$v is not served by $PROXY (HTTP $code); its samples are not available" >&2
    mkdir -p "$CACHE" && echo "$MODULE@$v is not served by $PROXY (HTTP $code)" > "$CACHE/$v.unavailable"
    rm -f "$zip"; continue
  fi
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  python3 - "$zip" "$dir.tmp" "$MODULE@$v/config/samples/" <<'PY'
import sys, zipfile, os
z, out, prefix = zipfile.ZipFile(sys.argv[1]), sys.argv[2], sys.argv[3]
n = 0
for name in z.namelist():
    if name.startswith(prefix) and name.endswith('.yaml') and '/' not in name[len(prefix):]:
        with open(os.path.join(out, os.path.basename(name)), 'wb') as f:
            f.write(z.read(name)); n += 1
if n == 0:
    sys.exit('no samples under ' + prefix)

PY
  rm -f "$zip"
  touch "$dir.tmp/.complete" && rm -rf "$dir" && mv "$dir.tmp" "$dir"
  echo "fetch-kuberay-samples.sh: $v -> $dir ($(ls "$dir" | wc -l) samples)" >&2
  got=$((got + 1))
done
[[ $got -gt 0 ]]
echo "$CACHE"
