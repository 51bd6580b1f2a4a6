"""Checks ONNX files with ONNX's own checker (full_check: strict shape inference too).

Usage: check_export.py FILE.onnx... ; prints one JSON object per file:
{"file", "ok", "error"?, "inputs", "outputs", "initializers"}, where inputs/outputs list
[name, [dims]] with a symbolic dim as its name. Needs python3-onnx (Debian). Exit status 0
even when a file fails: the caller reads "ok".
"""
import json
import sys

import onnx


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


for path in sys.argv[1:]:
    report = {"file": path, "ok": True}
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        report["inputs"] = [[v.name, dims(v)] for v in model.graph.input]
        report["outputs"] = [[v.name, dims(v)] for v in model.graph.output]
        report["initializers"] = [t.name for t in model.graph.initializer]
    except Exception as e:  # the checker's own exception types vary by version
        report = {"file": path, "ok": False, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(report), flush=True)
