// What the page shows about the engine: the CPU backend, threads, isolation, the device panels 4
// and 5 compute on; and panel 1's counts.
import { getBackend, getNumThreads, availableBackends, nn, summary } from '../../../src/index.js';
import { deviceInfo, type DeviceInfo } from './device.js';

export interface EngineInfo extends DeviceInfo {
  /** The CPU backend (every panel's small computations; training and inference without a GPU). */
  backend: string;
  backends: string[];
  threads: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export async function engineInfo(): Promise<EngineInfo> {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return {
    backend: getBackend(),
    backends: availableBackends(),
    threads: getNumThreads(),
    crossOriginIsolated: g.crossOriginIsolated === true,
    hardwareConcurrency: g.navigator?.hardwareConcurrency ?? 1,
    ...(await deviceInfo()),
  };
}

export interface DenseVsConvArgs { height: number; width: number; channels: number; hidden: number; filters: number; kernel: number }

export interface DenseVsConvResult {
  inputs: number;
  denseWeights: number;
  denseBiases: number;
  /** From summary() of an nn.Conv2d with 'same' padding on the same image. */
  convWeights: number;
  convBiases: number;
  convOutputShape: number[];
  convMacs: number;
}

/**
 * Panel 1: a dense layer's weights grow with the image (inputs × units); a convolution's do not
 * (filters × channels × k × k). The conv layer is built and run by the engine; the dense one is
 * only counted, as 150 M float32 weights would take 600 MB.
 */
export function denseVsConv(a: DenseVsConvArgs): DenseVsConvResult {
  for (const [name, v] of Object.entries(a)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  }
  if (a.height * a.width * a.channels > 4096 * 4096 * 3) throw new Error(`image of ${a.height}×${a.width}×${a.channels} is larger than this page computes (at most 4096×4096×3)`);
  const conv = new nn.Conv2d(a.channels, a.filters, a.kernel, { padding: 'same' });
  // In a Sequential, so summary() lists the conv as a layer and counts its multiply-adds.
  const s = summary(new nn.Sequential(conv), [1, a.channels, a.height, a.width], { print: false });
  if (s.error) throw new Error(s.error.message);
  const inputs = a.height * a.width * a.channels;
  return {
    inputs,
    denseWeights: inputs * a.hidden,
    denseBiases: a.hidden,
    convWeights: conv.weight.numel(),
    convBiases: conv.bias ? conv.bias.numel() : 0,
    convOutputShape: s.outputShape,
    convMacs: s.totalMacs,
  };
}
