#!/usr/bin/env python3
"""Dumps torchvision's state-dict layout (names and shapes, in order) for the models striate mirrors.

Run from the repository root:  /usr/bin/python3 scripts/torchvision_names.py
Writes test/fixtures/models/<name>.json, which src/models/torchvision-layout.test.ts compares with
striate's factories. Weights are not dumped: only names, shapes and counts (no pretrained download).
"""
import json
import os

import torch
import torchvision

MODELS = ["alexnet", "vgg11", "vgg16", "resnet18", "resnet34", "resnet50"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "models")


def dump(name: str) -> dict:
    model = getattr(torchvision.models, name)(weights=None, num_classes=1000)
    params = {n for n, _ in model.named_parameters()}
    state = [[n, list(t.shape)] for n, t in model.state_dict().items()]
    return {
        "model": name,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "numClasses": 1000,
        "numParameters": sum(p.numel() for p in model.parameters()),
        "parameters": [[n, s] for n, s in state if n in params],
        "buffers": [[n, s] for n, s in state if n not in params],
    }


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name in MODELS:
        info = dump(name)
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(info, f, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: {info['numParameters']:,} parameters, {len(info['parameters'])} tensors, "
              f"{len(info['buffers'])} buffers")


if __name__ == "__main__":
    main()
