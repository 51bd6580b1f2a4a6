#!/usr/bin/env python3
"""Reference values for striate's batch normalisation, computed with PyTorch.

Run from the repository root:  /usr/bin/python3 scripts/batch_norm_golden.py
Writes test/fixtures/batch-norm.json, read by src/ops/batch-norm.test.ts and src/nn/batch-norm.test.ts.
Each case stores its inputs too, so the tests run on exactly the numbers PyTorch saw.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "batch-norm.json")


def flat(t: torch.Tensor) -> list:
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def functional_case(shape, momentum, affine, seed):
    g = torch.Generator().manual_seed(seed)
    c = shape[1]
    # An offset and a scale per channel, so the statistics are not already (0, 1).
    x = torch.randn(shape, generator=g) * 2 + 3
    rm = torch.randn(c, generator=g) * 0.1
    rv = torch.rand(c, generator=g) + 0.5
    w = (torch.rand(c, generator=g) + 0.5) if affine else None
    b = torch.randn(c, generator=g) if affine else None
    gy = torch.randn(shape, generator=g)
    case = {"shape": list(shape), "momentum": momentum, "eps": 1e-5, "x": flat(x), "runningMean": flat(rm),
            "runningVar": flat(rv), "weight": flat(w) if affine else None, "bias": flat(b) if affine else None,
            "gy": flat(gy)}
    for training in (True, False):
        xs = x.clone().requires_grad_(True)
        ws = w.clone().requires_grad_(True) if affine else None
        bs = b.clone().requires_grad_(True) if affine else None
        rm2, rv2 = rm.clone(), rv.clone()
        y = F.batch_norm(xs, rm2, rv2, ws, bs, training=training, momentum=momentum, eps=1e-5)
        y.backward(gy)
        case["train" if training else "eval"] = {
            "y": flat(y), "runningMean": flat(rm2), "runningVar": flat(rv2), "gx": flat(xs.grad),
            "gWeight": flat(ws.grad) if affine else None, "gBias": flat(bs.grad) if affine else None,
        }
    return case


def module_case(momentum, seed):
    """Three training batches through nn.BatchNorm2d, then one evaluation batch."""
    g = torch.Generator().manual_seed(seed)
    bn = torch.nn.BatchNorm2d(3, momentum=momentum)
    batches = [torch.randn(2, 3, 2, 3, generator=g) * (i + 1) + i for i in range(3)]
    for xb in batches:
        bn(xb)
    bn.eval()
    xe = torch.randn(2, 3, 2, 3, generator=g)
    ye = bn(xe)
    return {"momentum": momentum, "batches": [flat(xb) for xb in batches], "evalX": flat(xe), "evalY": flat(ye),
            "runningMean": flat(bn.running_mean), "runningVar": flat(bn.running_var),
            "numBatchesTracked": int(bn.num_batches_tracked)}


def main() -> None:
    data = {
        "torch": torch.__version__,
        "functional": [
            functional_case((5, 3), 0.1, True, 1),
            functional_case((4, 2, 5), 0.3, True, 2),
            functional_case((2, 3, 4, 3), 0.1, True, 3),
            functional_case((2, 2, 2, 3, 2), 0.1, False, 4),
        ],
        "module": [module_case(0.1, 5), module_case(None, 6)],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
