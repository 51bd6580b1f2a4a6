// `npm run bench -- --device webgpu [--quick] [--tiny] [--workloads W1,W3]`: the GPU benchmark as
// one command: striate on WebGPU (bench/gpu-bench.ts), TensorFlow.js's WebGPU backend
// (bench/peers/tfjs-webgpu.ts) and, where python3 has CUDA, PyTorch (bench/torch_cuda_bench.py),
// one after the other, each printing its rows. On a software adapter (SwiftShader) the figures mean
// nothing: --tiny (batch 2, 256³ matrices) only checks that the harness runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const GPU_WORKLOADS = ['W1', 'W3', 'W4', 'W5', 'W6', 'W8'];

export function runGpuBench(argv: readonly string[], bench: string): number {
  const pass: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--device') i++;
    else if (a === '--quick' || a === '--tiny') pass.push(a);
    else if (a === '--workloads') {
      const list = (argv[++i] ?? '').split(',');
      const bad = list.filter((w) => !GPU_WORKLOADS.includes(w));
      if (bad.length) throw new Error(`bench --device webgpu: unknown workloads ${bad.join(', ')} (expected ${GPU_WORKLOADS.join(', ')})`);
      pass.push(a, list.join(','));
    } else throw new Error(`bench --device webgpu: unknown option '${a}' (try --quick, --tiny, --workloads)`);
  }
  const node = (script: string) => spawnSync(process.execPath, ['--import', 'tsx', join(bench, script), ...pass], { stdio: 'inherit' }).status ?? 1;
  let code = node('gpu-bench.ts');
  code ||= node(join('peers', 'tfjs-webgpu.ts'));
  const cuda = spawnSync('python3', ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'], { stdio: 'ignore' });
  if (cuda.status === 0) {
    code ||= spawnSync('python3', [join(bench, 'torch_cuda_bench.py'), ...pass.filter((a) => a === '--quick')], { stdio: 'inherit', cwd: bench }).status ?? 1;
  } else {
    console.log('pytorch-cuda: skipped (python3 has no PyTorch with CUDA here)');
  }
  return code;
}
