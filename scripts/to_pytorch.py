#!/usr/bin/env python3
"""Moves striate weights into PyTorch: a striate model file (safetensors, PyTorch state-dict names)
loaded into the torchvision model of the same architecture, e.g. to train on many GPUs.

Usage (from the repository root, Debian's python3-torch and python3-torchvision):
  /usr/bin/python3 scripts/to_pytorch.py runs/r18.safetensors resnet18 --save r18.pt
  /usr/bin/python3 scripts/to_pytorch.py runs/r18.safetensors resnet18 \\
      --input x.bin --shape 1,3,64,64 --expect y.bin        # check: same outputs as striate

The architecture must be a torchvision model striate mirrors (alexnet, vgg11, vgg16, resnet18,
resnet34, resnet50); the class count comes from the file's striate.architecture metadata.
--input/--expect are raw little-endian float32 files (an input batch and striate's outputs for
it); the script exits 1 when PyTorch's outputs differ by more than --rtol. --save writes the
state dict with torch.save (then: model.load_state_dict(torch.load('r18.pt'))).
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch
import torchvision

DTYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path):
    """The tensors and __metadata__ of a safetensors file (the format is an 8-byte header length,
    a JSON header of dtype/shape/offsets per tensor, then the raw little-endian data)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in DTYPES:
            sys.exit(f"{path}: tensor {name} has dtype {info['dtype']}, expected F32 or I64")
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return tensors, meta


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("weights")
    p.add_argument("architecture", help="torchvision model name, e.g. resnet18")
    p.add_argument("--save", help="write the PyTorch state dict here (torch.save)")
    p.add_argument("--input", help="raw float32 input batch")
    p.add_argument("--shape", help="its shape, e.g. 1,3,64,64")
    p.add_argument("--expect", help="raw float32 outputs striate computed for --input")
    p.add_argument("--rtol", type=float, default=1e-4)
    a = p.parse_args()

    state, meta = read_safetensors(a.weights)
    arch = json.loads(meta.get("striate.architecture", "{}"))
    num_classes = arch.get("options", {}).get("numClasses", 1000)
    model = getattr(torchvision.models, a.architecture)(weights=None, num_classes=num_classes)
    model.load_state_dict(state, strict=True)  # every name and shape must match
    model.eval()
    print(f"loaded {len(state)} tensors into torchvision {a.architecture} ({num_classes} classes)")
    if a.save:
        torch.save(model.state_dict(), a.save)
        print(f"saved {a.save}")
    if a.input:
        shape = [int(s) for s in a.shape.split(",")]
        x = torch.from_numpy(np.fromfile(a.input, dtype="<f4").reshape(shape))
        with torch.no_grad():
            y = model(x).numpy().ravel()
        want = np.fromfile(a.expect, dtype="<f4")
        scale = np.abs(want).max()
        err = np.abs(y - want).max()
        ok = y.shape == want.shape and np.all(np.abs(y - want) <= a.rtol * np.abs(want) + 1e-5 * scale)
        print(f"max |pytorch - striate| = {err:.3g} (max |output| {scale:.3g}): {'agree' if ok else 'DIFFER'} within rtol {a.rtol}")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
