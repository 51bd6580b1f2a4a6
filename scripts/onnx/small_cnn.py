#!/usr/bin/python3
"""Exports a tiny CNN (conv, batch norm, relu, max pool, flatten, linear; seeded weights) with
PyTorch's ONNX exporter to test/fixtures/onnx/small-cnn.onnx: a real exported file, small enough
to commit, that test/fuzz/readers.ts mutates (bytes flipped, cut short, fields changed through
the protobuf) to fuzz loadOnnx.

    /usr/bin/python3 scripts/onnx/small_cnn.py
"""
import os

import torch

torch.manual_seed(20261204)
torch.set_num_threads(1)

model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 2, 3, padding=1),
    torch.nn.BatchNorm2d(2),
    torch.nn.ReLU(),
    torch.nn.MaxPool2d(2),
    torch.nn.Flatten(),
    torch.nn.Linear(2 * 3 * 3, 3),
).eval()

out = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'onnx', 'small-cnn.onnx')
torch.onnx.export(model, torch.zeros(1, 1, 6, 6), out, input_names=['x'], output_names=['y'],
                  dynamic_axes={'x': {0: 'n'}, 'y': {0: 'n'}}, opset_version=13)
print(out, os.path.getsize(out), 'bytes')
