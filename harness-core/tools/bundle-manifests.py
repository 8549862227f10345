#!/usr/bin/env python3
"""Converts KubeRay release data (kustomize bundle) into the JSON the harness bundles on its classpath.

Usage: bundle-manifests.py SOURCE_DIR TARGET_DIR VERSION...
JSON parses several times faster than YAML on a cold JVM, which keeps the emulated backend's start fast.
"""
import json, sys, pathlib, yaml

src, dst, versions = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
for v in versions:
    docs = [d for d in yaml.safe_load_all(open(src / v / "kustomize-default.yaml")) if d]
    out = dst / v
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "kustomize-default.json", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": docs}, f, separators=(",", ":"))
    print(v, len(docs), "objects:", ", ".join(sorted({d["kind"] for d in docs})))
