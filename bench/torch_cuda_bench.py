"""PyTorch CUDA beside bench/gpu-bench.ts on the GPU machine: the same workloads (W1, W3-W6, W8),
fp32 with TF32 off (the targets compare with fp32), timed the same way: warm up, then the median
over rounds of (K iterations, then one synchronisation).

    python3 bench/torch_cuda_bench.py [--quick]
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from torch_bench import lenet5, resnet20  # the CPU peer's models: one definition of each

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda")
ROUNDS = 2 if "--quick" in sys.argv else 5


def timed(fn, k):
    fn()
    torch.cuda.synchronize()
    per = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        torch.cuda.synchronize()
        per.append((time.perf_counter() - t0) * 1000 / k)
    return statistics.median(per)


def row(name, ms, extra):
    print(f"{name:<36} {ms:9.3f} ms  {extra}", flush=True)


print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}, TF32 off", flush=True)
with torch.no_grad():
    for n in (1024, 4096):
        a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
        ms = timed(lambda: a @ b, 5 if n >= 4096 else 20)
        row(f"W6 sgemm {n}³", ms, f"{2 * n ** 3 / ms / 1e9:.2f} TFLOP/s")
    x, w = torch.randn(8, 64, 56, 56, device=dev), torch.randn(64, 64, 3, 3, device=dev)
    ms = timed(lambda: F.conv2d(x, w, padding=1), 20)
    row("W1 conv2d fwd 8×64→64 56² 3×3", ms, f"{2 * 8 * 64 * 64 * 9 * 56 * 56 / ms / 1e9:.2f} TFLOP/s")

for name, model, shape, k in (("W3 LeNet-5 train step b64", lenet5(nn), (64, 1, 28, 28), 20),
                              ("W8 ResNet-20 train step b128", resnet20(torch), (128, 3, 32, 32), 5)):
    model = model.to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(*shape, device=dev)
    y = torch.arange(shape[0], device=dev) % 10

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    ms = timed(step, k)
    row(name, ms, f"{shape[0] / ms * 1000:.0f} images/s")

with torch.no_grad():
    for name, make in (("W4 ResNet-18", torchvision.models.resnet18), ("W5 AlexNet", torchvision.models.alexnet)):
        model = make().to(dev).eval()
        for batch in (1, 64):
            x = torch.randn(batch, 3, 224, 224, device=dev)
            ms = timed(lambda: model(x), 20 if batch == 1 else 5)
            row(f"{name} inference b{batch}", ms, f"{batch / ms * 1000:.0f} images/s")
