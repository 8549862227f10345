#!/usr/bin/env bash
# Writes the go.mod of the kubenode wrapper module to stdout.
# k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at v0.0.0 and
# replaces them with ./staging/src/..., which a module zip does not contain. A
# consumer must therefore replace each one with its published v0.X.Y release.
# The list of staging modules is read from the kubernetes go.mod itself so that a
# version bump needs no hand edits.
set -euo pipefail
kube_version=$1 etcd_version=$2
staging_version="v0.${kube_version#v1.}"
gomod=$(cd / && go mod download -json "k8s.io/kubernetes@${kube_version}" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
[[ -f $gomod ]] || { echo "cannot download k8s.io/kubernetes@${kube_version}" >&2; exit 1; }
cat <<EOM
module kuberay-harness/kubenode

go 1.26.0

require (
	k8s.io/kubernetes ${kube_version}
	go.etcd.io/etcd/server/v3 ${etcd_version}
)

replace (
EOM
awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$gomod"
echo ")"
