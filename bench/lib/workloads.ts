// The benchmark workloads (W1–W6 of issue 4, W8 of issue 14), shared by the harness and every peer.
// Each peer reports a median time per iteration; the figure shown (GFLOP/s, images/s, ms) is
// derived here, so that every peer is scored by the same formula.

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W8';
export type Unit = 'GFLOP/s' | 'images/s' | 'ms';

export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  readonly unit: Unit;
  /** Floating-point operations per iteration (multiply and add counted separately). */
  readonly flops?: number;
  /** Images per iteration, for throughput workloads. */
  readonly items?: number;
}

/** conv2d forward of W1: N=8, 64→64 channels, 56×56, 3×3, padding 1, stride 1. */
export const CONV = { n: 8, cIn: 64, cOut: 64, h: 56, w: 56, k: 3, pad: 1 } as const;
const convFlops = 2 * CONV.n * CONV.cOut * CONV.h * CONV.w * CONV.cIn * CONV.k * CONV.k;

/** Matrix size of the sgemm workload W6. */
export const GEMM_SIZE = 1024;
/** Batch size of the LeNet-5 training step W3. */
export const LENET_BATCH = 64;
/** Batch size of the ResNet-20 training step W8 (3×32×32 images, 10 classes). */
export const RESNET20_BATCH = 128;

export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: { id: 'W1', title: 'conv2d forward, N=8, 64→64 ch, 56×56, 3×3, pad 1', unit: 'GFLOP/s', flops: convFlops },
  // Forward, gradient w.r.t. the input and gradient w.r.t. the weight: three convolutions' worth.
  W2: { id: 'W2', title: 'conv2d forward + both backward passes (same shape as W1)', unit: 'GFLOP/s', flops: 3 * convFlops },
  W3: { id: 'W3', title: 'LeNet-5 training step, batch 64, 1×28×28, SGD + cross-entropy', unit: 'images/s', items: LENET_BATCH },
  W4: { id: 'W4', title: 'ResNet-18 inference, batch 1, 3×224×224', unit: 'ms' },
  W5: { id: 'W5', title: 'AlexNet inference, batch 1, 3×224×224', unit: 'ms' },
  W6: { id: 'W6', title: 'sgemm 1024×1024×1024', unit: 'GFLOP/s', flops: 2 * GEMM_SIZE ** 3 },
  W8: { id: 'W8', title: 'ResNet-20 training step, batch 128, 3×32×32, SGD momentum 0.9, batch norm in training mode, option-A shortcuts', unit: 'images/s', items: RESNET20_BATCH },
};

export const ALL_WORKLOADS: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W8'];

export function isWorkloadId(s: string): s is WorkloadId {
  return Object.prototype.hasOwnProperty.call(WORKLOADS, s);
}

/** The figure reported for a median iteration time of `ms` milliseconds. */
export function figure(id: WorkloadId, ms: number): number {
  const w = WORKLOADS[id];
  if (w.unit === 'GFLOP/s') return (w.flops ?? 0) / (ms * 1e6);
  if (w.unit === 'images/s') return ((w.items ?? 0) * 1000) / ms;
  return ms;
}

/** How many times faster striate is than the peer (>1: striate faster), from median times. */
export function speedRatio(striateMs: number, peerMs: number): number {
  return peerMs / striateMs;
}
