#!/usr/bin/env python3
"""Writes the built-in Kubernetes type definitions the emulated API server serves in /openapi/v2 and /openapi/v3.

Source: the Kubernetes OpenAPI definitions of one release as the PyPI package kubernetes-validate ships them
(kubernetes-json-schema/<release>-local/_definitions.json, a JSON Schema rendering of the API server's own
swagger definitions). This script turns that rendering back into OpenAPI form (single types instead of
[type, "null"], the int-or-string and quantity formats, no enums added to apiVersion/kind) and keeps only the
definitions of the group-versions the emulator serves and what they reference.

Usage: tools/openapi/builtin-definitions.py [RELEASE]   (default v1.31.0, the version the emulator reports)
Needs pip and the package registry; writes
harness-core/src/main/resources/io/kuberay/harness/emulated/api/kubernetes-definitions.json.
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "kubernetes-validate==1.33.1"
GROUP_VERSIONS = {
    ("", "v1"), ("apps", "v1"), ("batch", "v1"), ("rbac.authorization.k8s.io", "v1"),
    ("apiextensions.k8s.io", "v1"), ("coordination.k8s.io", "v1"), ("events.k8s.io", "v1"),
    ("discovery.k8s.io", "v1"), ("networking.k8s.io", "v1"), ("policy", "v1"), ("autoscaling", "v2"),
    ("storage.k8s.io", "v1"), ("scheduling.k8s.io", "v1"),
}
# Always kept: the meta types every document and list refers to.
ALWAYS = ["io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
          "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"]
SCALARS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and"
                       " unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON"
                       " field that can accept a name or number.",
        "format": "int-or-string", "type": "string"},
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
        "description": "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling"
                       " in JSON and YAML, in addition to String() and AsInt64() accessors.",
        "type": "string"},
}


def to_openapi(node):
    """The JSON Schema rendering back to OpenAPI: single types, #/definitions refs."""
    if isinstance(node, list):
        return [to_openapi(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, list):
            kept = [t for t in value if t != "null"]
            value = kept[0] if len(kept) == 1 else kept
        elif key == "$ref" and isinstance(value, str):
            value = value.replace("#/$defs/", "#/definitions/")
        out[key] = to_openapi(value)
    props = out.get("properties")
    if isinstance(props, dict):
        for name in ("apiVersion", "kind"):
            if isinstance(props.get(name), dict):
                props[name].pop("enum", None)
    return out


def refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[1])
            else:
                refs(value, found)
    elif isinstance(node, list):
        for n in node:
            refs(n, found)


def main():
    release = sys.argv[1] if len(sys.argv) > 1 else "v1.31.0"
    root = pathlib.Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE], check=True)
        wheel = next(pathlib.Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as z:
            source = json.loads(z.read(f"kubernetes_validate/kubernetes-json-schema/{release}-local/_definitions.json"))
    defs = {name: to_openapi(d) for name, d in source["$defs"].items()}
    defs.update(SCALARS)
    wanted = list(ALWAYS)
    for name, d in defs.items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            if (gvk["group"], gvk["version"]) in GROUP_VERSIONS and not name.startswith("io.k8s.apimachinery"):
                wanted.append(name)
    kept = {}
    while wanted:
        name = wanted.pop()
        if name in kept:
            continue
        kept[name] = defs[name]
        found = set()
        refs(defs[name], found)
        wanted.extend(sorted(found))
    out = {"source": f"{PACKAGE} kubernetes-json-schema/{release}-local/_definitions.json",
           "kubernetes": release, "definitions": dict(sorted(kept.items()))}
    target = root / "harness-core/src/main/resources/io/kuberay/harness/emulated/api/kubernetes-definitions.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"{target}: {len(kept)} definitions, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
