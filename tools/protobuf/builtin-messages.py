#!/usr/bin/env python3
"""Writes the protobuf message table the emulated API server decodes built-in request bodies with.

Source: Kubernetes' own generated.proto files (field numbers and types) and the Go types beside them (the JSON
name of each field, whether Go's JSON omits its zero value, whether a type is a list in JSON), from the Go
modules k8s.io/api and k8s.io/apimachinery of the release the emulator reports.

Usage: tools/protobuf/builtin-messages.py [VERSION]   (default v0.31.0, matching Kubernetes v1.31.0)
Needs go and the Go module proxy; checks the JSON names against the OpenAPI definitions the emulator serves
(tools/openapi/builtin-definitions.py) and writes
harness-core/src/main/resources/io/kuberay/harness/emulated/api/protobuf/kubernetes-messages.json:
  groupVersions: apiVersion -> proto package; messages: full message name -> fields, each
  [number, JSON name, type, flags(, map value type)] where flags has r (repeated), m (map: type is the key type),
  z (Go's JSON omits the zero value: omitempty on a non-pointer), i (an embedded struct Go's JSON inlines into
  the parent: its fields become the parent's); wrappers: messages that are a list in JSON
  (type ExtraValue []string is message ExtraValue { repeated string items = 1 }).
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

MODULES = ["k8s.io/api", "k8s.io/apimachinery"]
# apimachinery packages whose messages built-in kinds refer to (meta/v1's own kinds are served as v1).
APIMACHINERY = ["pkg/apis/meta/v1", "pkg/api/resource", "pkg/util/intstr", "pkg/runtime", "pkg/runtime/schema"]

FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)")
MAP_FIELD = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)")
GO_STRUCT = re.compile(r"^type\s+(\w+)\s+struct\s*{")
GO_SLICE = re.compile(r"^type\s+(\w+)\s+\[\]")
GO_FIELD = re.compile(r"^\s+(?:(\w+)\s+)?([\w.*\[\]]+)\s+`([^`]*)`")
GO_TAG = re.compile(r'(\w+):"([^"]*)"')
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
           "fixed64", "sfixed32", "sfixed64", "double", "float"}


def download(version):
    env = dict(os.environ, GOFLAGS="-modcacherw")
    dirs = {}
    for module in MODULES:
        out = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"], check=True,
                             capture_output=True, text=True, env=env).stdout
        dirs[module] = pathlib.Path(json.loads(out)["Dir"])
    return dirs


def go_fields(package_dir):
    """(struct, field number) -> (JSON name, omits zero); and the names of slice types."""
    fields, slices = {}, set()
    for go in sorted(package_dir.glob("*.go")):
        if go.name.endswith("_test.go") or go.name.startswith("zz_") or go.name == "generated.pb.go":
            continue
        struct = None
        for line in go.read_text().splitlines():
            if m := GO_SLICE.match(line):
                slices.add(m.group(1))
            if m := GO_STRUCT.match(line):
                struct = m.group(1)
            elif line.startswith("}"):
                struct = None
            elif struct and (m := GO_FIELD.match(line)):
                tags = dict(GO_TAG.findall(m.group(3)))
                if "protobuf" not in tags or "json" not in tags:
                    continue
                number = int(tags["protobuf"].split(",")[1])
                json_parts = tags["json"].split(",")
                pointer_or_ref = m.group(2).startswith(("*", "[]", "map["))
                flags = "z" if "omitempty" in json_parts[1:] and not pointer_or_ref else ""
                if "inline" in json_parts[1:]:
                    flags = "i"
                fields[(struct, number)] = (json_parts[0], flags)
    return fields, slices


def qualify(package, type_name, messages_in_package):
    if type_name in SCALARS or "." in type_name:
        return type_name.lstrip(".")
    return f"{package}.{type_name}"


def parse_proto(path, go, slices, messages, wrappers):
    text = path.read_text()
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)
    message, mismatches = None, []
    for line in text.splitlines():
        if m := re.match(r"^message\s+(\w+)\s*{", line):
            message = m.group(1)
            messages[f"{package}.{message}"] = []
            if message in slices:
                wrappers.append(f"{package}.{message}")
            continue
        if line.startswith("}"):
            message = None
            continue
        if not message:
            continue
        if m := MAP_FIELD.match(line):
            key, value, name, number = m.groups()
            entry = [int(number), name, qualify(package, key, None), "m", qualify(package, value, None)]
        elif m := FIELD.match(line):
            label, type_name, name, number = m.groups()
            entry = [int(number), name, qualify(package, type_name, None), "r" if label == "repeated" else ""]
        else:
            continue
        json_name, flags = go.get((message, int(entry[0])), (entry[1], ""))
        if (message, int(entry[0])) not in go and message not in slices:
            mismatches.append(f"{package}.{message}.{entry[1]}")
        if json_name not in (entry[1], "", "-"):
            print(f"  JSON name differs: {package}.{message} field {entry[0]}: proto {entry[1]}, JSON {json_name}")
        if json_name not in ("", "-"):
            entry[1] = json_name
        entry[3] += flags
        messages[f"{package}.{message}"].append(entry)
    return package, mismatches


def check_against_openapi(root, messages):
    """Every JSON name must be a property of the type's OpenAPI definition (kubernetes-definitions.json)."""
    definitions = json.loads((root / "harness-core/src/main/resources/io/kuberay/harness/emulated/api/"
                              "kubernetes-definitions.json").read_text())["definitions"]
    checked, wrong = 0, []
    for name, fields in messages.items():
        properties = (definitions.get("io." + name.replace("k8s.io.", "k8s.", 1)) or {}).get("properties")
        if not properties:
            continue
        for field in fields:
            if "i" not in field[3]:
                checked += 1
                if field[1] not in properties:
                    wrong.append(f"{name}.{field[1]}")
    print(f"checked {checked} JSON names against the OpenAPI definitions: {len(wrong)} not found {wrong}")
    return not wrong


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else "v0.31.0"
    root = pathlib.Path(__file__).resolve().parents[2]
    out = root / "harness-core/src/main/resources/io/kuberay/harness/emulated/api/protobuf/kubernetes-messages.json"
    dirs = download(version)
    messages, wrappers, group_versions, unmatched = {}, [], {}, []
    package_dirs = [dirs["k8s.io/apimachinery"] / p for p in APIMACHINERY]
    package_dirs += sorted(p.parent for p in dirs["k8s.io/api"].glob("*/*/generated.proto"))
    for package_dir in package_dirs:
        fields, slices = go_fields(package_dir)
        package, mismatches = parse_proto(package_dir / "generated.proto", fields, slices, messages, wrappers)
        unmatched += mismatches
        register = package_dir / "register.go"
        if package_dir.parent.parent == dirs["k8s.io/api"] and register.exists():
            group = re.search(r'GroupName\s*=\s*"([^"]*)"', register.read_text()).group(1)
            version_name = package_dir.name
            group_versions[f"{group}/{version_name}" if group else version_name] = package
    if unmatched:
        print("proto fields without a Go JSON tag (kept under their proto name; special types are decoded by hand):",
              ", ".join(unmatched))
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {"source": f"k8s.io/api and k8s.io/apimachinery {version} generated.proto + Go json tags",
                "groupVersions": dict(sorted(group_versions.items())), "wrappers": sorted(wrappers),
                "messages": dict(sorted(messages.items()))}
    with out.open("w") as f:
        json.dump(document, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    print(f"wrote {out.relative_to(root)}: {len(group_versions)} group-versions, {len(messages)} messages")
    if not check_against_openapi(root, messages):
        sys.exit(1)


if __name__ == "__main__":
    main()
