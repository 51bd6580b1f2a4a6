// The --device option of the commands that compute (train, eval, predict, bench), and opening the
// device it names: 'webgpu' needs an adapter, found once; the line saying what runs is the caller's.
import { initWebGPU, type WebGpuInfo } from '../kernels/webgpu/index.js';
import { choiceArg, UsageError } from './args.js';

export type CliDevice = 'cpu' | 'webgpu';

/** `.option(...DEVICE_OPTION)`: --device cpu (default) or webgpu. */
export const DEVICE_OPTION = ['--device <name>', "cpu, or webgpu (a GPU adapter; in Node the npm package 'webgpu')",
  choiceArg(['cpu', 'webgpu'] as const), 'cpu' as CliDevice] as const;

/** Opens WebGPU for `command`; a clear usage error where the machine has no adapter. */
export async function openWebGpu(command: string): Promise<WebGpuInfo> {
  const gpu = await initWebGPU();
  if (!gpu) throw new UsageError(`${command}: --device webgpu, but this machine has no WebGPU adapter`);
  return gpu;
}

export const describeGpu = (gpu: WebGpuInfo): string => `webgpu (${gpu.vendor} ${gpu.architecture}, ${gpu.description})`;
