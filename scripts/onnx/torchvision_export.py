#!/usr/bin/python3
"""Exports torchvision models (weights=None, seeded) to ONNX with PyTorch's outputs for a fixed
input, for test/onnx/torchvision.test.ts. Writes into a git-ignored cache folder (large files,
never committed); a model already there is not exported again.

    /usr/bin/python3 scripts/onnx/torchvision_export.py .cache/onnx-torchvision resnet18:64 ...

Each argument is name:size (a square input 1x3xSxS). For every model it writes, in eval and in
train mode, <name>-<mode>.onnx, <name>-<mode>.json ({input shape, output shape, parameter names})
and <name>-<mode>.bin (the float32 input, then PyTorch's float32 output). Train mode exports
torch.onnx.TrainingMode.TRAINING graphs (batch norm on batch statistics) with dropout probability
0, since no two generators draw the same mask.
"""
import json
import os
import sys
import zlib

import torch
import torchvision

torch.set_num_threads(1)


def export(name, size, mode, out):
    stem = os.path.join(out, f'{name}-{mode}')
    if os.path.exists(stem + '.bin'):
        return
    torch.manual_seed(zlib.crc32(name.encode()))
    model = getattr(torchvision.models, name)(weights=None)
    x = torch.randn(2, 3, size, size)
    if mode == 'train':
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = 0.0
        model.train()
        training = torch.onnx.TrainingMode.TRAINING
    else:
        model.eval()
        training = torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        # The export runs the model once; in train mode that moves the running statistics, so
        # the reference output is taken from a copy of the state before it.
        state = {k: v.clone() for k, v in model.state_dict().items()}
        # Temporary names and renames: test files running side by side may export the same model.
        tmp = f'{stem}.{os.getpid()}.tmp'
        torch.onnx.export(model, x, tmp, opset_version=17, training=training,
                          do_constant_folding=mode == 'eval', input_names=['input'], output_names=['output'])
        os.replace(tmp, stem + '.onnx')
        model.load_state_dict(state)
        y = model(x)
    names = [n for n, _ in model.named_parameters()]
    with open(tmp, 'w') as f:
        json.dump({'input': list(x.shape), 'output': list(y.shape), 'parameters': names}, f)
    os.replace(tmp, stem + '.json')
    with open(tmp, 'wb') as f:
        f.write(x.numpy().astype('<f4').tobytes())
        f.write(y.numpy().astype('<f4').tobytes())
    os.replace(tmp, stem + '.bin')


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for arg in sys.argv[2:]:
        name, size = arg.split(':')
        for mode in ('eval', 'train'):
            export(name, int(size), mode, out)


if __name__ == '__main__':
    main()
