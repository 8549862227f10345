#!/usr/bin/env python3
"""Converts KubeRay release data (kustomize bundle) into the form the harness bundles on its classpath.

Usage: bundle-manifests.py SOURCE_DIR TARGET_DIR VERSION...

Writes <TARGET_DIR>/<VERSION>/kustomize-default.jsonl: the first line is an index, a JSON array of
[kind, namespace, name] per object; each further line is one object as compact JSON, in bundle order.
The emulated backend posts the CRD lines as they are, without parsing them in the client: on a cold
JVM that is the difference between about a second and a few milliseconds.
"""
import json, sys, pathlib, yaml

src, dst, versions = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
for v in versions:
    docs = [d for d in yaml.safe_load_all(open(src / v / "kustomize-default.yaml")) if d]
    out = dst / v
    out.mkdir(parents=True, exist_ok=True)
    old = out / "kustomize-default.json"
    if old.exists():
        old.unlink()
    with open(out / "kustomize-default.jsonl", "w") as f:
        index = [[d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]] for d in docs]
        f.write(json.dumps(index, separators=(",", ":")) + "\n")
        for d in docs:
            f.write(json.dumps(d, separators=(",", ":")) + "\n")
    print(v, len(docs), "objects:", ", ".join(sorted({d["kind"] for d in docs})))
