"""Exports the ONNX models the onnxruntime-node peer runs (W1 convolution, W4 ResNet-18, W5 AlexNet).

Random weights (torch.manual_seed(0)); torchvision architectures; batch sizes fixed as in the
workloads. Run by `npm run bench` into a git-ignored cache directory:

    /usr/bin/python3 bench/export_onnx.py --out .cache/bench/onnx

Prints one JSON line {"ok": true, "torch": ..., "files": [...]} or {"ok": false, "error": ...}.
"""
import argparse
import json
import os
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    try:
        import torch
        import torchvision
    except ImportError as e:  # the harness skips the onnxruntime peer with this note
        print(json.dumps({"ok": False, "error": f"torch/torchvision not importable: {e}"}))
        return 0
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(64, 64, 3, padding=1)
    models = {
        "w1-conv.onnx": (conv, (8, 64, 56, 56)),
        "w4-resnet18.onnx": (torchvision.models.resnet18(), (1, 3, 224, 224)),
        "w5-alexnet.onnx": (torchvision.models.alexnet(), (1, 3, 224, 224)),
    }
    files = []
    for name, (model, shape) in models.items():
        path = os.path.join(out, name)
        model.eval()
        with torch.no_grad():
            torch.onnx.export(model, torch.randn(*shape), path, opset_version=13,
                              input_names=["x"], output_names=["y"], do_constant_folding=True)
        files.append(path)
    print(json.dumps({"ok": True, "torch": torch.__version__, "files": files}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
