"""PyTorch as a benchmark peer for `npm run bench` (every workload, CPU).

Speaks the harness's line protocol (bench/lib/protocol.ts): one `META {json}` line, then one
`BENCH {json}` line per workload with the median milliseconds per iteration (its note: the kernel
CPU time and page faults per timed iteration, see measure). Timing follows
bench/lib/measure.ts: warm up, then the median of 3..15 repetitions (1 for very slow ones).

    /usr/bin/python3 bench/torch_bench.py --threads 1 --workloads W1,W2,W3,W4,W5,W6,W8
"""
import argparse
import json
import os
import re
import resource
import statistics
import sys
import time

TARGET_MS = float(os.environ.get("BENCH_TARGET_MS", "3000"))
MAX_REPS = 15
COLD_MS = 30000.0
WARMUP = 2
CONV = dict(n=8, c_in=64, c_out=64, h=56, w=56, k=3, pad=1)
GEMM = 1024
LENET_BATCH = 64
RESNET20_BATCH = 128


def emit(kind, obj):
    sys.stdout.write(f"{kind} {json.dumps(obj)}\n")
    sys.stdout.flush()


def warming(i, since):
    """As measure.ts: WARMUP iterations, then on (up to 4·MAX_REPS) until TARGET_MS have passed."""
    return i < WARMUP or (i < 4 * MAX_REPS and (time.perf_counter() - since) * 1000 < TARGET_MS)


def measure(fn):
    """Median ms, repetitions, and per timed repetition the process's user and kernel CPU ms and
    minor page faults (usage: getrusage, all threads). PyTorch's steps can spend much of their time
    faulting in memory that its allocator gave back to the system (BENCHMARKS.md, the
    twenty-second session)."""
    last = 0.0
    i = 0
    w0, u0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    while warming(i, w0):
        i += 1
        t0 = time.perf_counter()
        fn()
        last = (time.perf_counter() - t0) * 1000
        if i == 1 and last >= COLD_MS:  # minutes-long: one cold iteration, as measure.ts
            return last, 1, usage(u0, 1)
        if last >= 2 * TARGET_MS:  # one warm-up is enough for very slow iterations
            break
    reps = 1 if last >= TARGET_MS else max(3, min(MAX_REPS, int(TARGET_MS // max(last, 1e-3))))
    samples = []
    u0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), reps, usage(u0, reps)


def usage(before, reps):
    """User and kernel CPU ms and minor page faults per repetition since `before` (a getrusage)."""
    now = resource.getrusage(resource.RUSAGE_SELF)
    return ((now.ru_utime - before.ru_utime) * 1000 / reps, (now.ru_stime - before.ru_stime) * 1000 / reps,
            (now.ru_minflt - before.ru_minflt) / reps)


def lenet5(nn):
    # API.md's LeNet-5: the same layers as striate's models.lenet5 (61,706 parameters).
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def resnet20(torch):
    """striate's models.resnet20 (He et al. 2015, section 4.2): 3 stages of 3 BasicBlocks with 16,
    32, 64 channels, option-A shortcuts (stride-2 subsampling, zero channels), 269,722 parameters."""
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.stride, self.extra = stride, cout - cin

        def forward(self, x):
            y = F.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            s = x[:, :, ::self.stride, ::self.stride] if self.stride != 1 else x
            if self.extra:
                s = F.pad(s, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
            return F.relu(y + s)

    layers, cin = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for cout, stride in ((16, 1), (32, 2), (64, 2)):
        for i in range(3):
            layers.append(Block(cin, cout, stride if i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def workload(torch, name):
    F = torch.nn.functional
    g = torch.Generator().manual_seed(0)
    rnd = lambda *s, grad=False: torch.randn(*s, generator=g).requires_grad_(grad)
    c = CONV
    if name == "W1":
        x, w, b = rnd(c["n"], c["c_in"], c["h"], c["w"]), rnd(c["c_out"], c["c_in"], c["k"], c["k"]), rnd(c["c_out"])

        def fn():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=c["pad"])
        return fn
    if name == "W2":
        x = rnd(c["n"], c["c_in"], c["h"], c["w"], grad=True)
        w = rnd(c["c_out"], c["c_in"], c["k"], c["k"], grad=True)
        b = rnd(c["c_out"], grad=True)
        dy = rnd(c["n"], c["c_out"], c["h"], c["w"])

        def fn():
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, padding=c["pad"]).backward(dy)
        return fn
    if name == "W3":
        model = lenet5(torch.nn)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = rnd(LENET_BATCH, 1, 28, 28)
        y = torch.tensor([(i * 7) % 10 for i in range(LENET_BATCH)])

        fn_params = sum(p.numel() for p in model.parameters())

        def fn():
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        fn.params = fn_params
        return fn
    if name in ("W4", "W5"):
        import torchvision
        model = (torchvision.models.resnet18() if name == "W4" else torchvision.models.alexnet()).eval()
        x = rnd(1, 3, 224, 224)

        fn_params = sum(p.numel() for p in model.parameters())

        def fn():
            with torch.no_grad():
                model(x)
        fn.params = fn_params
        return fn
    if name == "W6":
        a, b = rnd(GEMM, GEMM), rnd(GEMM, GEMM)
        return lambda: torch.mm(a, b)
    if name == "W8":
        model = resnet20(torch).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = rnd(RESNET20_BATCH, 3, 32, 32)
        y = torch.tensor([(i * 7) % 10 for i in range(RESNET20_BATCH)])

        def fn():
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        fn.params = sum(p.numel() for p in model.parameters())
        return fn
    raise ValueError(f"torch_bench: unknown workload {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W8")
    ap.add_argument("--blas", default=None, help="the folder of the libblas.so.3 the harness chose (reported)")
    args = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        emit("META", {"engine": "PyTorch (missing)", "threads": 0, "notes": [f"torch not importable: {e}"]})
        for w in args.workloads.split(","):
            emit("BENCH", {"workload": w, "status": "unsupported", "note": "torch is not installed for /usr/bin/python3"})
        return 0
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    blas = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    lib = f", BLAS from {args.blas}" if args.blas else ""
    emit("META", {"engine": f"PyTorch {torch.__version__} (CPU{lib})", "threads": torch.get_num_threads(),
                  "notes": [f"PyTorch BLAS_INFO={blas.group(1) if blas else 'unknown'}{lib}"]})
    for w in args.workloads.split(","):
        try:
            fn = workload(torch, w)
            ms, reps, (_, kernel_ms, faults) = measure(fn)
            params = f"{fn.params:,} parameters; " if hasattr(fn, "params") else ""
            note = f"{params}per iteration {kernel_ms:.0f} ms in the kernel, {faults:,.0f} page faults"
            emit("BENCH", {"workload": w, "status": "ok", "ms": ms, "reps": reps, "note": note})
        except Exception as e:  # reported, not fatal: the other workloads still run
            emit("BENCH", {"workload": w, "status": "error", "note": f"{type(e).__name__}: {e}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
