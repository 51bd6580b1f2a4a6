#!/usr/bin/python3
"""Golden values from PyTorch (CPU, float32, fixed seeds) for striate's test/golden suite.

Regenerate (writes test/fixtures/golden/*.json, deterministic):
    /usr/bin/python3 scripts/golden/make_fixtures.py

Each fixture file is {"generator", "torch", "cases": [...]}; a tensor is {"shape": [...], "data": [...]}
(row-major, floats rounded to 8 significant digits). Option names in the cases are striate's
(camelCase, as in API.md) so the TypeScript tests can pass them straight through.
"""
import gzip
import json
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from lenet5_torch import LeNet5  # noqa: E402  (the scripts folder is put on the path first)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'golden')
torch.set_num_threads(1)  # reproducible summation order


def seed(name):
    """A fixed seed derived from the case's name, so adding a case does not change the others."""
    torch.manual_seed(zlib.crc32(name.encode()))


def r8(v):
    return float(f'{v:.8g}')


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {'shape': list(t.shape), 'data': [r8(v) for v in t.reshape(-1).tolist()]}


def randn(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def tup(v, n):
    return list(v) if isinstance(v, (list, tuple)) else [v] * n


# ---------------------------------------------------------------- convolution and pad
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def conv_weight(rows, cols, ks):
    """A (rows, cols, *ks) weight scaled by 1/sqrt(fan_in), fan_in = cols·∏ks as torch counts it."""
    fan_in = cols
    for kk in ks:
        fan_in *= kk
    return randn(rows, cols, *ks, scale=fan_in ** -0.5)


def conv_case(name, n, cin, cout, size, k, stride=1, padding=0, dilation=1, groups=1, bias=True, asym=None):
    """asym = (begin, end) per spatial dim, outermost first: torch has no asymmetric conv padding,
    so the reference is F.pad (last dim first) followed by an unpadded conv."""
    seed(name)
    d = len(size)
    ks = tup(k, d)
    x = randn(n, cin, *size)
    w = conv_weight(cout, cin // groups, ks)
    b = randn(cout) if bias else None
    if asym:
        begin, end = asym
        pads = []
        for i in reversed(range(d)):
            pads += [begin[i], end[i]]
        y = CONV[d](F.pad(x, pads), w, b, stride=stride, dilation=dilation, groups=groups)
        pad_json = {'begin': begin, 'end': end}
    else:
        pads = None
        y = CONV[d](x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
        pad_json = padding
    gy = torch.randn(y.shape)
    y.backward(gy)
    c = {'name': name, 'dims': d, 'stride': stride, 'padding': pad_json, 'dilation': dilation, 'groups': groups,
         'x': T(x), 'weight': T(w), 'bias': T(b) if bias else None, 'gy': T(gy), 'y': T(y),
         'gx': T(x.grad), 'gWeight': T(w.grad), 'gBias': T(b.grad) if bias else None}
    if pads is not None:
        c['pads'] = pads
    return c


def conv_cases():
    return [
        conv_case('conv1d basic', 2, 3, 5, [11], 3),
        conv_case('conv1d stride 2 pad 1 dilation 2', 2, 3, 4, [13], 3, stride=2, padding=1, dilation=2),
        conv_case('conv1d groups 3 stride 3 pad 2', 1, 6, 9, [14], 4, stride=3, padding=2, groups=3),
        conv_case('conv1d depthwise same', 2, 5, 5, [9], 3, padding='same', groups=5),
        conv_case('conv1d same even kernel', 1, 3, 2, [10], 4, padding='same'),
        conv_case('conv1d valid no bias', 2, 3, 6, [8], 5, padding='valid', bias=False),
        conv_case('conv1d asymmetric pad', 2, 3, 5, [7], 3, asym=([2], [1])),
        conv_case('conv2d basic pad 1', 2, 3, 5, [9, 7], 3, padding=1),
        conv_case('conv2d rect kernel stride pad dilation', 2, 3, 5, [10, 11], [3, 5], stride=[2, 1], padding=[1, 2], dilation=[1, 2]),
        conv_case('conv2d groups 2 stride 2', 2, 4, 6, [10, 11], 3, stride=2, groups=2),
        conv_case('conv2d depthwise', 2, 7, 7, [8, 9], 3, padding=1, groups=7),
        conv_case('conv2d depthwise multiplier same', 1, 3, 6, [7, 6], 5, padding='same', groups=3),
        conv_case('conv2d same even kernel dilation', 2, 3, 5, [9, 8], [2, 4], padding='same', dilation=[2, 1]),
        conv_case('conv2d valid no bias', 2, 5, 3, [9, 7], [4, 2], padding='valid', bias=False),
        conv_case('conv2d asymmetric pad', 2, 3, 5, [6, 7], 3, asym=([1, 0], [2, 3])),
        conv_case('conv2d 1x1', 2, 5, 7, [5, 6], 1),
        conv_case('conv2d stride larger than kernel', 1, 3, 4, [8, 8], 2, stride=3),
        conv_case('conv2d LeNet conv1 shape', 2, 1, 6, [12, 12], 5, padding=2),
        conv_case('conv3d basic pad 1', 1, 2, 3, [5, 6, 7], 3, padding=1),
        conv_case('conv3d groups stride dilation', 2, 4, 6, [6, 7, 8], [2, 3, 3], stride=[1, 2, 2], dilation=[2, 1, 1], groups=2),
        conv_case('conv3d depthwise same', 1, 3, 3, [5, 4, 6], 3, padding='same', groups=3),
        conv_case('conv3d asymmetric pad', 1, 2, 3, [4, 5, 5], 3, asym=([0, 1, 2], [1, 0, 1])),
    ]


CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_transpose_case(name, n, cin, cout, size, k, stride=1, padding=0, output_padding=0, dilation=1, groups=1,
                        bias=True):
    seed(name)
    d = len(size)
    ks = tup(k, d)
    x = randn(n, cin, *size)
    w = conv_weight(cin, cout // groups, ks)
    b = randn(cout) if bias else None
    y = CONV_T[d](x, w, b, stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                  dilation=dilation)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'dims': d, 'stride': stride, 'padding': padding, 'outputPadding': output_padding,
            'dilation': dilation, 'groups': groups,
            'x': T(x), 'weight': T(w), 'bias': T(b) if bias else None, 'gy': T(gy), 'y': T(y),
            'gx': T(x.grad), 'gWeight': T(w.grad), 'gBias': T(b.grad) if bias else None}


def conv_transpose_cases():
    return [
        conv_transpose_case('convTranspose1d basic', 2, 3, 5, [7], 3),
        conv_transpose_case('convTranspose1d stride 2 pad 1 output padding 1', 2, 4, 3, [6], 3, stride=2, padding=1,
                            output_padding=1),
        conv_transpose_case('convTranspose1d groups 2 dilation 2 no bias', 1, 4, 6, [5], 3, dilation=2, groups=2,
                            bias=False),
        conv_transpose_case('convTranspose2d basic', 2, 3, 4, [4, 5], 3),
        conv_transpose_case('convTranspose2d stride 2 kernel 4 pad 1 (DCGAN upsampling)', 2, 6, 3, [4, 4], 4,
                            stride=2, padding=1),
        conv_transpose_case('convTranspose2d kernel 2 stride 2 (U-Net upsampling)', 1, 4, 2, [3, 5], 2, stride=2),
        conv_transpose_case('convTranspose2d rect stride pad output padding dilation', 2, 3, 4, [5, 4], [3, 2],
                            stride=[3, 2], padding=[2, 1], output_padding=[1, 0], dilation=[1, 2]),
        conv_transpose_case('convTranspose2d output padding below dilation', 1, 2, 3, [4, 4], 3, stride=1,
                            output_padding=1, dilation=2),
        conv_transpose_case('convTranspose2d groups 3 stride 2', 2, 6, 9, [3, 4], 3, stride=2, padding=1, groups=3),
        conv_transpose_case('convTranspose2d depthwise', 1, 4, 4, [5, 5], 3, stride=2, groups=4, output_padding=1),
        conv_transpose_case('convTranspose2d 1x1', 2, 5, 3, [3, 4], 1),
        conv_transpose_case('convTranspose3d basic', 1, 2, 3, [3, 4, 3], 3),
        conv_transpose_case('convTranspose3d stride pad output padding groups', 2, 4, 2, [3, 3, 4], [2, 3, 3],
                            stride=[2, 2, 1], padding=[0, 1, 1], output_padding=[1, 1, 0], groups=2),
    ]


def pad_case(name, shape, pads, mode='constant', value=0.0):
    seed(name)
    x = randn(*shape)
    y = F.pad(x, pads, mode=mode, value=value) if mode == 'constant' else F.pad(x, pads, mode=mode)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'pads': pads, 'mode': mode, 'value': value, 'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def pad_cases():
    return [
        pad_case('pad constant 2d asymmetric', [2, 3, 4, 5], [1, 2, 0, 3]),
        pad_case('pad constant value 1d', [2, 3, 6], [3, 1], value=-1.5),
        pad_case('pad constant 3d', [1, 2, 3, 4, 3], [1, 0, 2, 1, 0, 2]),
        pad_case('pad constant crop', [1, 2, 5, 6], [-1, 2, 1, -2]),
        pad_case('pad reflect 2d', [2, 2, 5, 6], [2, 1, 3, 2], mode='reflect'),
        pad_case('pad reflect 1d', [2, 3, 7], [3, 2], mode='reflect'),
        pad_case('pad replicate 2d', [1, 3, 4, 5], [2, 3, 1, 2], mode='replicate'),
        pad_case('pad replicate 3d', [1, 2, 3, 4, 3], [1, 2, 2, 0, 1, 1], mode='replicate'),
    ]


def unfold_case(name, shape, k, stride=1, padding=0, dilation=1):
    """torch's F.unfold takes 4-D input only: the 2-D cases are the reference."""
    seed(name)
    x = randn(*shape)
    y = F.unfold(x, k, dilation=dilation, padding=padding, stride=stride)
    gy = torch.randn(y.shape)
    y.backward(gy)
    opts = {'stride': stride, 'padding': padding, 'dilation': dilation}
    return {'name': name, 'kernelSize': k, 'options': opts, 'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def unfold_cases():
    return [
        unfold_case('unfold 3x3', [2, 3, 5, 6], 3),
        unfold_case('unfold rect stride pad', [1, 2, 7, 6], [2, 3], stride=[2, 1], padding=[1, 2]),
        unfold_case('unfold dilated', [1, 3, 8, 8], 3, dilation=2, padding=1, stride=2),
    ]


# ---------------------------------------------------------------- pooling
MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVGPOOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def pool_case(name, kind, n, c, size, k, stride=None, padding=0, dilation=1, ceil=False, cip=True):
    seed(name)
    d = len(size)
    x = randn(n, c, *size)
    if kind == 'max':
        y = MAXPOOL[d](x, k, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil)
    else:
        y = AVGPOOL[d](x, k, stride=stride, padding=padding, ceil_mode=ceil, count_include_pad=cip)
    gy = torch.randn(y.shape)
    y.backward(gy)
    opts = {'kernelSize': k, 'padding': padding, 'ceilMode': ceil}
    if stride is not None:
        opts['stride'] = stride
    if kind == 'max':
        opts['dilation'] = dilation
    else:
        opts['countIncludePad'] = cip
    return {'name': name, 'kind': kind, 'dims': d, 'options': opts, 'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def adaptive_case(name, n, c, size, out):
    seed(name)
    x = randn(n, c, *size)
    y = F.adaptive_avg_pool2d(x, out)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'kind': 'adaptiveAvg', 'dims': 2, 'outputSize': out, 'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def pool_cases():
    return [
        pool_case('maxPool1d k3 s2 p1', 'max', 2, 3, [11], 3, stride=2, padding=1),
        pool_case('maxPool1d k4 s3 dilation 2 ceil', 'max', 2, 3, [16], 4, stride=3, dilation=2, ceil=True),
        pool_case('maxPool2d k2 default stride', 'max', 2, 3, [8, 6], 2),
        pool_case('maxPool2d k2 odd size', 'max', 2, 5, [9, 7], 2),
        pool_case('maxPool2d k3 s2 p1', 'max', 2, 3, [9, 10], 3, stride=2, padding=1),
        pool_case('maxPool2d rect dilation', 'max', 1, 3, [11, 9], [3, 2], stride=[2, 1], padding=[1, 0], dilation=[2, 1]),
        pool_case('maxPool2d ceil', 'max', 2, 3, [10, 9], 3, stride=2, ceil=True),
        pool_case('maxPool2d ceil pad 1', 'max', 1, 2, [8, 7], 3, stride=2, padding=1, ceil=True),
        pool_case('maxPool1d ceil drops a window starting in the padding', 'max', 2, 3, [4], 2, stride=3, padding=1, ceil=True),
        pool_case('maxPool3d k2', 'max', 1, 3, [4, 6, 5], 2),
        pool_case('maxPool3d k3 s2 p1 ceil', 'max', 1, 2, [5, 6, 7], 3, stride=2, padding=1, ceil=True),
        pool_case('maxPool3d dilation 2', 'max', 1, 2, [6, 7, 7], 2, stride=1, dilation=2),
        pool_case('avgPool1d k3 s2 p1 include pad', 'avg', 2, 3, [11], 3, stride=2, padding=1),
        pool_case('avgPool1d k3 s2 p1 exclude pad', 'avg', 2, 3, [11], 3, stride=2, padding=1, cip=False),
        pool_case('avgPool1d ceil', 'avg', 2, 3, [10], 3, stride=2, ceil=True),
        pool_case('avgPool2d k2', 'avg', 2, 3, [8, 6], 2),
        pool_case('avgPool2d k3 s2 p1 include pad', 'avg', 2, 3, [9, 10], 3, stride=2, padding=1),
        pool_case('avgPool2d k3 s2 p1 exclude pad', 'avg', 2, 3, [9, 10], 3, stride=2, padding=1, cip=False),
        pool_case('avgPool2d ceil include pad', 'avg', 1, 3, [10, 9], 3, stride=2, padding=1, ceil=True),
        pool_case('avgPool2d ceil exclude pad', 'avg', 1, 3, [10, 9], 3, stride=2, padding=1, ceil=True, cip=False),
        pool_case('avgPool2d ceil no pad', 'avg', 1, 2, [7, 8], 3, stride=2, ceil=True),
        pool_case('avgPool2d rect', 'avg', 2, 3, [7, 9], [2, 3], stride=[1, 2]),
        pool_case('avgPool2d ceil drops a window starting in the padding', 'avg', 2, 3, [4, 7], 2, stride=3, padding=1, ceil=True),
        pool_case('avgPool3d k2', 'avg', 1, 3, [4, 6, 5], 2),
        pool_case('avgPool3d k3 s2 p1 ceil exclude pad', 'avg', 1, 2, [5, 6, 7], 3, stride=2, padding=1, ceil=True, cip=False),
        adaptive_case('adaptiveAvgPool2d 7x9 to 3x4', 2, 3, [7, 9], [3, 4]),
        adaptive_case('adaptiveAvgPool2d to 1x1', 2, 3, [10, 10], [1, 1]),
        adaptive_case('adaptiveAvgPool2d identity', 1, 2, [5, 6], [5, 6]),
        adaptive_case('adaptiveAvgPool2d upsample 4x4 to 6x7', 1, 2, [4, 4], [6, 7]),
    ]


# ---------------------------------------------------------------- batch norm
def bn_case(name, shape, training, affine=True, momentum=0.1, eps=1e-5, relu=False, residual=False):
    """batch_norm; with relu, relu(batch_norm(x) + residual): the fused F.batchNormRelu."""
    seed(name)
    c = shape[1]
    x = randn(*shape, scale=2.0)
    x.data += 0.5
    rm = torch.randn(c) * 0.3
    rv = torch.rand(c) + 0.5
    w = randn(c) if affine else None
    b = randn(c) if affine else None
    res = randn(*shape) if residual else None
    rm1, rv1 = rm.clone(), rv.clone()
    y = F.batch_norm(x, rm1, rv1, w, b, training=training, momentum=momentum, eps=eps)
    if relu:
        y = F.relu(y + res if residual else y)
    gy = torch.randn(y.shape)
    y.backward(gy)
    case = {'name': name, 'training': training, 'momentum': momentum, 'eps': eps}
    if relu:
        case['relu'] = True
    case.update({'x': T(x), 'runningMean': T(rm), 'runningVar': T(rv), 'weight': T(w) if affine else None,
                 'bias': T(b) if affine else None})
    if relu:
        case['residual'] = T(res) if residual else None
    case.update({'gy': T(gy), 'y': T(y), 'runningMeanAfter': T(rm1), 'runningVarAfter': T(rv1), 'gx': T(x.grad),
                 'gWeight': T(w.grad) if affine else None, 'gBias': T(b.grad) if affine else None})
    if relu:
        case['gResidual'] = T(res.grad) if residual else None
    return case


def bn_cases():
    return [
        bn_case('batchNorm2d train', [4, 3, 5, 6], True),
        bn_case('batchNorm1d train (N, C)', [8, 5], True, momentum=0.3),
        bn_case('batchNorm1d train (N, C, L) no affine', [3, 4, 7], True, affine=False),
        bn_case('batchNorm3d train', [2, 3, 3, 4, 5], True, eps=1e-3),
        bn_case('batchNorm2d eval', [3, 5, 4, 4], False),
        bn_case('batchNorm1d eval no affine', [6, 4], False, affine=False),
        bn_case('batchNormRelu 2d train + residual', [4, 3, 5, 6], True, relu=True, residual=True),
        bn_case('batchNormRelu 2d train', [3, 4, 4, 4], True, relu=True),
        bn_case('batchNormRelu 1d train + residual no affine', [6, 5, 3], True, affine=False, relu=True, residual=True),
        bn_case('batchNormRelu 2d eval + residual', [3, 5, 4, 4], False, relu=True, residual=True),
    ]


# ---------------------------------------------------------------- activations, softmax, linear
def unary_case(name, fn, op, param=None):
    seed(name)
    x = randn(3, 4, 5, scale=2.0)
    y = fn(x)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'op': op, 'param': param, 'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def softmax_case(name, shape, dim, log):
    seed(name)
    x = randn(*shape, scale=3.0)
    y = (F.log_softmax if log else F.softmax)(x, dim)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'op': 'logSoftmax' if log else 'softmax', 'dim': dim,
            'x': T(x), 'gy': T(gy), 'y': T(y), 'gx': T(x.grad)}


def linear_case(name, xshape, out, bias=True):
    seed(name)
    x = randn(*xshape)
    w = randn(out, xshape[-1], scale=xshape[-1] ** -0.5)
    b = randn(out) if bias else None
    y = F.linear(x, w, b)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'x': T(x), 'weight': T(w), 'bias': T(b) if bias else None, 'gy': T(gy), 'y': T(y),
            'gx': T(x.grad), 'gWeight': T(w.grad), 'gBias': T(b.grad) if bias else None}


def activation_cases():
    return {
        'unary': [
            unary_case('relu', F.relu, 'relu'),
            unary_case('leakyRelu default slope', F.leaky_relu, 'leakyRelu'),
            unary_case('leakyRelu slope 0.2', lambda x: F.leaky_relu(x, 0.2), 'leakyRelu', 0.2),
            unary_case('elu default alpha', F.elu, 'elu'),
            unary_case('elu alpha 0.5', lambda x: F.elu(x, 0.5), 'elu', 0.5),
            unary_case('sigmoid', torch.sigmoid, 'sigmoid'),
            unary_case('tanh', torch.tanh, 'tanh'),
        ],
        'softmax': [
            softmax_case(f'{"logSoftmax" if log else "softmax"} {shape} dim {dim}', shape, dim, log)
            for log in (False, True)
            for shape, dim in (([4, 7], 1), ([4, 7], 0), ([2, 3, 4, 5], 1), ([2, 3, 4, 5], -1), ([2, 3, 4, 5], 2))
        ],
        'linear': [
            linear_case('linear', [5, 7], 3),
            linear_case('linear no bias', [4, 6], 5, bias=False),
            linear_case('linear 3-d input', [2, 4, 7], 3),
        ],
    }


# ---------------------------------------------------------------- losses
def ce_case(name, n, c, reduction):
    seed(name)
    x = randn(n, c, scale=2.0)
    target = torch.randint(0, c, (n,))
    y = F.cross_entropy(x, target, reduction=reduction)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'op': 'crossEntropy', 'reduction': reduction, 'input': T(x), 'target': target.tolist(),
            'gy': T(gy), 'y': T(y), 'gInput': T(x.grad)}


def mse_case(name, shape, reduction):
    seed(name)
    x = randn(*shape)
    t = randn(*shape)
    y = F.mse_loss(x, t, reduction=reduction)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {'name': name, 'op': 'mseLoss', 'reduction': reduction, 'input': T(x), 'target': T(t),
            'gy': T(gy), 'y': T(y), 'gInput': T(x.grad), 'gTarget': T(t.grad)}


def loss_cases():
    return [ce_case(f'crossEntropy {r}', 6, 5, r) for r in ('mean', 'sum', 'none')] + \
        [ce_case('crossEntropy mean 10 classes', 9, 10, 'mean')] + \
        [mse_case(f'mseLoss {r}', [4, 5], r) for r in ('mean', 'sum', 'none')]


# ---------------------------------------------------------------- optimisers
def optim_case(name, kind, options, torch_options, lrs=None, steps=5):
    seed(name)
    p = torch.randn(3, 4).requires_grad_(True)
    init = p.detach().clone()
    opt = {'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW}[kind]([p], **torch_options)
    grads, traj, states = [], [], []
    for i in range(steps):
        g = torch.randn(3, 4)
        if lrs:
            opt.param_groups[0]['lr'] = lrs[i]
        p.grad = g.clone()
        opt.step()
        grads.append(T(g))
        traj.append(T(p))
        # torch's per-parameter state after the step (momentum_buffer / step, exp_avg, exp_avg_sq)
        st = opt.state_dict()['state'].get(0, {})
        states.append({k: T(v) if torch.is_tensor(v) and v.dim() > 0 else r8(float(v))
                       for k, v in st.items() if v is not None})
    return {'name': name, 'kind': kind, 'options': options, 'lrs': lrs, 'init': T(init), 'grads': grads, 'params': traj,
            'states': states}


def optim_cases():
    return [
        optim_case('SGD plain', 'SGD', {'lr': 0.1}, {'lr': 0.1}),
        optim_case('SGD momentum', 'SGD', {'lr': 0.05, 'momentum': 0.9}, {'lr': 0.05, 'momentum': 0.9}),
        optim_case('SGD momentum dampening', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3},
                   {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3}),
        optim_case('SGD nesterov', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True},
                   {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
        optim_case('SGD nesterov weight decay', 'SGD', {'lr': 0.1, 'momentum': 0.5, 'nesterov': True, 'weightDecay': 0.1},
                   {'lr': 0.1, 'momentum': 0.5, 'nesterov': True, 'weight_decay': 0.1}),
        optim_case('SGD weight decay no momentum', 'SGD', {'lr': 0.1, 'weightDecay': 0.05}, {'lr': 0.1, 'weight_decay': 0.05}),
        optim_case('SGD momentum lr changes', 'SGD', {'lr': 0.1, 'momentum': 0.9}, {'lr': 0.1, 'momentum': 0.9},
                   lrs=[0.1, 0.05, 0.05, 0.01, 0.2]),
        optim_case('Adam', 'Adam', {'lr': 0.01}, {'lr': 0.01}),
        optim_case('Adam betas eps weight decay', 'Adam', {'lr': 0.02, 'betas': [0.8, 0.9], 'eps': 1e-6, 'weightDecay': 0.1},
                   {'lr': 0.02, 'betas': (0.8, 0.9), 'eps': 1e-6, 'weight_decay': 0.1}),
        optim_case('Adam defaults', 'Adam', {}, {}, steps=3),
        optim_case('AdamW default weight decay', 'AdamW', {'lr': 0.01}, {'lr': 0.01}),
        optim_case('AdamW weight decay betas lr changes', 'AdamW', {'lr': 0.05, 'betas': [0.85, 0.95], 'weightDecay': 0.1},
                   {'lr': 0.05, 'betas': (0.85, 0.95), 'weight_decay': 0.1}, lrs=[0.05, 0.05, 0.02, 0.02, 0.01]),
    ]


# ---------------------------------------------------------------- LeNet-5, one SGD step
def fashion_batch(count):
    """The first `count` Fashion-MNIST test images (scaled to [0, 1]) and labels, or seeded noise
    where the dataset is not installed."""
    base = '/usr/share/datasets/fashion-mnist'
    try:
        with gzip.open(f'{base}/t10k-images-idx3-ubyte.gz') as f:
            img = f.read()[16:16 + count * 784]
        with gzip.open(f'{base}/t10k-labels-idx1-ubyte.gz') as f:
            lab = f.read()[8:8 + count]
        x = torch.tensor(list(img), dtype=torch.float32).reshape(count, 1, 28, 28) / 255
        return x, torch.tensor(list(lab), dtype=torch.long)
    except OSError:
        seed('fashion-mnist fallback')
        return torch.rand(count, 1, 28, 28), torch.randint(0, 10, (count,))


def lenet5_case():
    seed('lenet5')
    model = LeNet5()
    assert sum(p.numel() for p in model.parameters()) == 61706
    initial = {k: T(v) for k, v in model.state_dict().items()}
    x, y = fashion_batch(4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    with torch.no_grad():
        loss_after = F.cross_entropy(model(x), y)
    # The parameters after the step sampled every 13th value (all 61,706 took half the fixtures' 3 MB);
    # the loss after the step still depends on every one of them.
    return {'name': 'lenet5 one SGD step', 'lr': 0.1, 'momentum': 0.9, 'initial': initial, 'x': T(x),
            'labels': y.tolist(), 'logits': T(logits), 'loss': r8(loss.item()), 'lossAfter': r8(loss_after.item()),
            'every': WINOGRAD_EVERY, 'after': {k: every(v) for k, v in model.state_dict().items()}}


# ---------------------------------------------------------------- Winograd-sized and strided convolutions
WINOGRAD_EVERY = 13  # outputs stored: every 13th value (coprime to the 4×4 tiles, so all positions)


def hashed(n, k, scale=1.0):
    """n values in [−½, ½)·scale from an integer hash, exact in float64 on both sides (the test's
    `hashed` in test/golden/hashed.ts computes the same inputs: too large to store)."""
    i = torch.arange(n, dtype=torch.int64)
    u = ((i * 2654435761 + k) % 2 ** 32).to(torch.float64) / 2 ** 32 - 0.5
    return (u * scale).to(torch.float32)


def every(t, step=WINOGRAD_EVERY):
    return T(t.detach().reshape(-1)[::step])


def hashed_conv(n, cin, cout, size, kernel, stride, padding, step=WINOGRAD_EVERY, weight_step=WINOGRAD_EVERY):
    """A square-kernel conv on inputs from `hashed`: y and x's gradient sampled every `step` values,
    the weight's gradient every `weight_step`."""
    h, w = size
    x = hashed(n * cin * h * w, 1).reshape(n, cin, h, w).requires_grad_(True)
    k2 = kernel * kernel
    wt = hashed(cout * cin * k2, 2, (cin * k2) ** -0.5).reshape(cout, cin, kernel, kernel).requires_grad_(True)
    b = hashed(cout, 3).requires_grad_(True)
    y = F.conv2d(x, wt, b, stride=stride, padding=padding)
    y.backward(hashed(y.numel(), 4).reshape(y.shape))
    return {'y': every(y, step), 'gx': every(x.grad, step), 'gWeight': every(wt.grad, weight_step), 'gBias': T(b.grad)}


def winograd_case(name, n, cin, cout, size, padding, step=WINOGRAD_EVERY, weight_step=WINOGRAD_EVERY):
    """A 3×3 stride-1 conv with enough channels and 4×4 tiles for the wasm backend's Winograd
    F(4×4, 3×3) forward and both gradients."""
    return {'name': name, 'n': n, 'cin': cin, 'cout': cout, 'size': size, 'padding': padding,
            'every': step, 'everyWeight': weight_step,
            **hashed_conv(n, cin, cout, size, 3, 1, padding, step, weight_step)}


def winograd_cases():
    return [
        winograd_case('winograd 6x16->24 16x16 pad 1', 6, 16, 24, [16, 16], 1),
        winograd_case('winograd 4x17->20 19x21 unpadded', 4, 17, 20, [19, 21], 0),
        # The weight gradient sums over batch × positions (8192 here, 512 tiles of 4×4): all of it
        # stored, y and x's gradient sparsely (97 is prime: every position still comes up).
        winograd_case('winograd 32x16->24 16x16 pad 1, weight gradient', 32, 16, 24, [16, 16], 1, 97, 1),
        # AlexNet's conv4 (384 input channels: the forward's GEMMs sum K = 384, in chunks), sampled
        # sparsely to stay within the fixtures' 3 MB: y and x's gradient every 173rd value, the
        # weight's gradient every 2503rd (both prime).
        winograd_case('winograd 1x384->256 13x13 pad 1 (AlexNet conv4)', 1, 384, 256, [13, 13], 1, 173, 2503),
    ]


def strided_case(name, n, cin, cout, size, kernel, stride, padding, step=WINOGRAD_EVERY, weight_step=WINOGRAD_EVERY):
    """A strided conv the wasm backend runs forward by polyphase planes (kernels/wasm/conv-paths.ts)."""
    return {'name': name, 'n': n, 'cin': cin, 'cout': cout, 'size': size, 'kernel': kernel, 'stride': stride,
            'padding': padding, 'every': step, 'everyWeight': weight_step,
            **hashed_conv(n, cin, cout, size, kernel, stride, padding, step, weight_step)}


def strided_cases():
    return [
        strided_case('stem 7x7 stride 2 pad 3 2x3->24 37x41', 2, 3, 24, [37, 41], 7, 2, 3),
        strided_case('3x3 stride 2 pad 1 2x8->16 17x18', 2, 8, 16, [17, 18], 3, 2, 1),
        strided_case('11x11 stride 4 pad 2 1x3->24 43x47', 1, 3, 24, [43, 47], 11, 4, 2),
        strided_case('5x5 stride 3 unpadded 2x20->36 23x22', 2, 20, 36, [23, 22], 5, 3, 0),
    ]


def winograd5x5_cases():
    """5×5 stride-1 convs with enough channels and tiles for the wasm backend's Winograd forwards:
    F(3×3, 5×5) (AlexNet's second conv, smaller; an unpadded one with odd sizes) and, at 9² with
    too few 3×3 tiles for it, F(2×2, 5×5)."""
    return [
        strided_case('5x5 pad 2 1x32->40 27x27', 1, 32, 40, [27, 27], 5, 1, 2),
        strided_case('5x5 unpadded 3x20->24 15x18', 3, 20, 24, [15, 18], 5, 1, 0),
        strided_case('5x5 pad 2 1x16->16 9x9', 1, 16, 16, [9, 9], 5, 1, 2),
    ]


def winograd_s2_cases():
    """3×3 stride-2 convs with enough channels and 2×2 output tiles for the wasm backend's forward
    and both gradients by Winograd on the polyphase parts (winograd-s2.ts and its adjoints):
    padded, unpadded with odd sizes, and a weight gradient summing 2048 positions (512 tiles in 3
    lanes) stored more densely than y and x's gradient (every 23rd and 1009th value, both prime)."""
    return [
        strided_case('3x3 stride 2 pad 1 1x16->16 17x18', 1, 16, 16, [17, 18], 3, 2, 1),
        strided_case('3x3 stride 2 unpadded 2x16->20 15x13', 2, 16, 20, [15, 13], 3, 2, 0),
        strided_case('3x3 stride 2 pad 1 32x16->16 16x16, weight gradient', 32, 16, 16, [16, 16], 3, 2, 1, 1009, 23),
        # 17×15 outputs: 20 of the 4×4-tile forward's tiles (winograd4-s2.ts), the last row and column partial.
        strided_case('3x3 stride 2 pad 1 1x16->16 33x30', 1, 16, 16, [33, 30], 3, 2, 1),
    ]


def winograd42_cases():
    """A 3×3 stride-1 conv at 7², batch 1, whose forward the wasm backend runs by Winograd F(4×2, 3×3)
    (winograd42.ts; last tiles of 3 rows and of 1 column), sampled sparsely to stay within the
    fixtures' 3 MB: y and x's gradient every 29th value, the weight's gradient every 97th."""
    return [strided_case('3x3 pad 1 1x16->16 7x7', 1, 16, 16, [7, 7], 3, 1, 1, 29, 97)]


def polyphase_winograd_cases():
    """AlexNet's stem, smaller: an 11×11 stride-4 conv whose forward the wasm backend runs as a 3×3
    stride-1 conv over its 16 polyphase planes (48 channels) by Winograd F(4×4, 3×3), 16 tiles;
    sampled sparsely to stay within the fixtures' 3 MB (every 173rd value of y and x's gradient,
    every 2503rd of the weight's). The 7×7 stride-2 stem's case is in strided-conv.json."""
    return [strided_case('stem 11x11 stride 4 pad 2 1x3->16 67x67', 1, 3, 16, [67, 67], 11, 4, 2, 173, 2503)]


# ---------------------------------------------------------------- output
def write(name, cases):
    """One case per line: compact, yet diffs stay readable."""
    head = {'generator': 'scripts/golden/make_fixtures.py', 'torch': torch.__version__}
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        f.write('{' + ', '.join(f'{json.dumps(k)}: {json.dumps(v)}' for k, v in head.items()) + ', "cases": [\n')
        f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases))
        f.write('\n]}\n')
    return os.path.getsize(path)


def main():
    os.makedirs(OUT, exist_ok=True)
    act = activation_cases()
    files = {
        'conv.json': conv_cases(),
        'conv-transpose.json': conv_transpose_cases(),
        'winograd.json': winograd_cases(),
        'strided-conv.json': strided_cases(),
        'winograd5x5.json': winograd5x5_cases(),
        'winograd-s2.json': winograd_s2_cases(),
        'winograd42.json': winograd42_cases(),
        'polyphase-winograd.json': polyphase_winograd_cases(),
        'pad.json': pad_cases(),
        'unfold.json': unfold_cases(),
        'pool.json': pool_cases(),
        'batch-norm.json': bn_cases(),
        'activation.json': act['unary'],
        'softmax.json': act['softmax'],
        'linear.json': act['linear'],
        'loss.json': loss_cases(),
        'optim.json': optim_cases(),
        'lenet5.json': [lenet5_case()],
    }
    total = 0
    for name, cases in files.items():
        size = write(name, cases)
        total += size
        print(f'{name:18s} {len(cases):3d} cases {size / 1024:8.1f} KiB')
    print(f'total {total / 1024:.1f} KiB in {os.path.relpath(OUT)}')
    if total > 3 * 1024 * 1024:
        sys.exit('fixtures exceed 3 MB: shrink the grid')


if __name__ == '__main__':
    main()
