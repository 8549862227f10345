#!/usr/bin/env python3
"""Copies KubeRay's CRDs into this module with only their served/stored version v1.

Usage: kuberay-model/tools/trim-crds.py <kuberay release data>/v1.7.0/crds
The deprecated v1alpha1 versions would double the generated classes and are not what the harness speaks.
"""
import pathlib
import sys

import yaml

source = pathlib.Path(sys.argv[1])
target = pathlib.Path(__file__).resolve().parent.parent / "src" / "main" / "crds"
for crd_file in sorted(source.glob("ray.io_*.yaml")):
    crd = yaml.safe_load(crd_file.read_text())
    crd["spec"]["versions"] = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    (target / crd_file.name).write_text(yaml.safe_dump(crd, sort_keys=False))
    print(crd_file.name)
