// Where the playground's model computes (panels 4 and 5): the WebGPU device when the browser
// gives an adapter, else the CPU (the wasm backend, threaded when the page is cross-origin
// isolated). The page may choose the CPU even where a GPU exists, to compare the two.
import { getBackend, getNumThreads, initWebGPU, type Device, type WebGpuInfo } from '../../../src/index.js';
import { webGpuBackend } from '../../../src/kernels/webgpu/index.js';

export interface DeviceInfo {
  /** Where training and inference run now. */
  device: Device;
  /** The adapter, or null when there is none. */
  gpu: WebGpuInfo | null;
  /** Why there is no GPU (no navigator.gpu, no adapter, an error), when there is none. */
  gpuMissing: string | null;
  /** What runs, in words: "WebGPU (google swiftshader)" or "wasm, 2 threads". */
  label: string;
  /** Bytes of GPU buffers the engine's caching allocator holds (null without a GPU). */
  gpuBytesHeld: number | null;
}

let probe: Promise<{ gpu: WebGpuInfo | null; missing: string | null }> | null = null;
let chosen: Device | null = null;

/** The WebGPU adapter (opened once), or why there is none. The browser check uses it too. */
export function findGpu(): Promise<{ gpu: WebGpuInfo | null; missing: string | null }> {
  probe ??= (async () => {
    if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return { gpu: null, missing: 'this browser has no WebGPU' };
    try {
      const gpu = await initWebGPU();
      return { gpu, missing: gpu ? null : 'WebGPU gave no adapter' };
    } catch (e) {
      return { gpu: null, missing: e instanceof Error ? e.message : String(e) };
    }
  })();
  return probe;
}

export const cpuLabel = (): string => `${getBackend()}, ${getNumThreads()} thread${getNumThreads() === 1 ? '' : 's'}`;

/** An adapter's name: "google swiftshader". */
export const gpuName = (g: WebGpuInfo): string => [g.vendor, g.architecture, g.description].filter((s) => s).join(' ') || 'unnamed adapter';

const gpuLabel = (g: WebGpuInfo): string => `WebGPU (${gpuName(g)})`;

/** The device panels 4 and 5 use: the page's choice, else the GPU when there is one. */
export async function modelDevice(): Promise<Device> {
  const { gpu } = await findGpu();
  return chosen ?? (gpu ? 'webgpu' : 'cpu');
}

export async function deviceInfo(): Promise<DeviceInfo> {
  const { gpu, missing } = await findGpu();
  const device = await modelDevice();
  const gpuBytesHeld = gpu ? (await webGpuBackend())?.bytesHeld() ?? null : null;
  return { device, gpu, gpuMissing: missing, label: device === 'webgpu' && gpu ? gpuLabel(gpu) : cpuLabel(), gpuBytesHeld };
}

/** The page's choice; 'webgpu' without an adapter is refused with the reason. */
export async function chooseDevice(device: Device): Promise<DeviceInfo> {
  if (device !== 'cpu' && device !== 'webgpu') throw new Error(`device must be 'cpu' or 'webgpu', got ${String(device)}`);
  const { gpu, missing } = await findGpu();
  if (device === 'webgpu' && !gpu) throw new Error(`no GPU to compute on: ${missing}`);
  chosen = device;
  return deviceInfo();
}
