#!/usr/bin/env python3
"""The recipe of scripts/train-fashion-full.ts (and of the main job, with --subset) in PyTorch,
for comparison: LeNet-5 (ReLU, max-pool), inputs normalised with the training set's mean/std,
Adam, cosine learning-rate schedule, training images shifted by up to ±2 pixels and mirrored
(--augment 0 for none), 10% of the training images held out for validation, the parameters of the
epoch with the lowest validation loss restored before testing.

  /usr/bin/python3 scripts/torch_fashion_lenet.py                  # full set, 60,000 + 10,000
  /usr/bin/python3 scripts/torch_fashion_lenet.py --subset --epochs 3 --batch-size 32 --lr 2e-3 --augment 0
"""
import argparse, copy, gzip, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lenet5_torch import LeNet5

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def read_idx(path):
    with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(d, prefix):
    x = read_idx(os.path.join(d, f'{prefix}-images-idx3-ubyte.gz')).astype(np.float32) / 255
    y = read_idx(os.path.join(d, f'{prefix}-labels-idx1-ubyte.gz')).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def augment(xb, pad, fill):
    """Each image shifted by up to ±pad pixels (a crop of a copy padded with the background
    value) and mirrored with probability 1/2, as striate's randomCrop + randomHorizontalFlip."""
    n, _, h, w = xb.shape
    padded = F.pad(xb, (pad, pad, pad, pad), value=fill)
    dy, dx = torch.randint(0, 2 * pad + 1, (n,)), torch.randint(0, 2 * pad + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]  # (n, h, 1)
    cols = (dx[:, None] + torch.arange(w))[:, None, :]  # (n, 1, w)
    out = padded.permute(0, 2, 3, 1)[torch.arange(n)[:, None, None], rows, cols].permute(0, 3, 1, 2).contiguous()
    flip = torch.rand(n) < 0.5
    out[flip] = out[flip].flip(-1)
    return out


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        out = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    return F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data-dir', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--subset', action='store_true', help='the embedded data/fashion-mnist-subset')
    p.add_argument('--epochs', type=int, default=40)
    p.add_argument('--augment', type=int, default=2, help='largest shift in pixels; 0: no augmentation')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--val-fraction', type=float, default=0.1)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    d = os.path.join(ROOT, 'data', 'fashion-mnist-subset') if a.subset else a.data_dir
    xtr, ytr = load(d, 'train')
    xte, yte = load(d, 't10k')
    mean, std = xtr.mean().item(), xtr.std(unbiased=False).item()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    perm = torch.randperm(len(xtr), generator=torch.Generator().manual_seed(a.seed))
    nval = int(round(len(xtr) * a.val_fraction))
    xva, yva, xtr, ytr = xtr[perm[:nval]], ytr[perm[:nval]], xtr[perm[nval:]], ytr[perm[nval:]]
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs)
    best, best_loss = None, float('inf')
    t0 = time.time()
    for epoch in range(1, a.epochs + 1):
        model.train()
        te = time.time()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), a.batch_size):
            idx = order[i:i + a.batch_size]
            xb = augment(xtr[idx], a.augment, -mean / std) if a.augment else xtr[idx]
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        vl, va = evaluate(model, xva, yva)
        if vl < best_loss:
            best_loss, best = vl, copy.deepcopy(model.state_dict())
        dt = time.time() - te
        print(f'epoch {epoch}/{a.epochs} val loss {vl:.4f} acc {100 * va:.2f}% {dt:.1f}s {len(xtr) / dt:.0f} img/s', flush=True)
    model.load_state_dict(best)
    tl, ta = evaluate(model, xte, yte)
    total = time.time() - t0
    print(f'torch {torch.__version__}, {a.threads} threads: test accuracy {100 * ta:.2f}% (loss {tl:.4f}), '
          f'{a.epochs} epochs in {total:.1f}s, {a.epochs * len(xtr) / total:.0f} img/s')


if __name__ == '__main__':
    main()
