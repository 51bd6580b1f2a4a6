"""One PyTorch workload of bench/torch_bench.py step by step: each step's wall time, and per round
the process's user and kernel CPU time and minor page faults a step (getrusage: all its threads).
For what the harness's median hides, such as steps that spend their time in the kernel, faulting
in memory that the allocator gave back to the system. Same model, data and thread settings as
torch_bench.py; run it in the harness's environment (bench/run.ts sets OMP_NUM_THREADS,
MKL_NUM_THREADS, OPENBLAS_NUM_THREADS and LD_LIBRARY_PATH):

    env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas \\
      /usr/bin/python3 bench/torch_steps.py --workload W8 --threads 1 [--rounds 4] [--steps 8]

--before W1,W2,...: first measures those workloads in this process as torch_bench.py does (it runs
them in one process, W8 last), so that the allocator is in the state they leave.
"""
import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_bench  # noqa: E402 (beside this file)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="W8")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=5, help="steps before the first round")
    ap.add_argument("--before", default="", help="workloads measured first, as torch_bench.py does")
    args = ap.parse_args()
    if min(args.threads, args.rounds, args.steps) < 1 or args.warmup < 0:
        ap.error("--threads, --rounds and --steps must be at least 1, --warmup at least 0")
    try:
        import torch
    except ImportError as e:
        sys.exit(f"torch_steps.py: torch is not importable ({e}); run it with /usr/bin/python3 (Debian's python3-torch)")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    def build(name):
        try:
            return torch_bench.workload(torch, name)
        except ValueError as e:
            ap.error(str(e))

    for w in filter(None, args.before.split(",")):
        torch_bench.measure(build(w))  # one at a time, each dropped before the next, as torch_bench.py does
    fn = build(args.workload)
    for _ in range(args.warmup):
        fn()
    after = f" after {args.before}" if args.before else ""
    print(f"PyTorch {torch.__version__}, {args.workload}{after}, {torch.get_num_threads()} thread(s): ms a step; "
          "per step, user and kernel CPU ms and minor page faults")
    for r in range(args.rounds):
        before, steps = resource.getrusage(resource.RUSAGE_SELF), []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            fn()
            steps.append((time.perf_counter() - t0) * 1000)
        user_ms, kernel_ms, faults = torch_bench.usage(before, args.steps)
        print(f"round {r + 1}: {' '.join(f'{t:.0f}' for t in steps)} | user {user_ms:.0f}, kernel {kernel_ms:.0f}, faults {faults:.0f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
