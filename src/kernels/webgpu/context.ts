// One WebGPU device and what every kernel call needs from it: compute pipelines compiled once per
// shader source and cached, a parameter buffer per call (u32 words; floats and ints bitcast),
// commands recorded into one open encoder and submitted in batches, and copies to and from the
// host. Uncaptured device errors are kept and thrown by the next read, so they never pass silently.
import type { Reclaimer } from '../reclaimer.js';
import { BufferCache, GpuStorage } from './allocator.js';

/** A buffer bound to a kernel: `write` marks a read_write binding. */
export interface Binding {
  buffer: GPUBuffer;
  write?: boolean;
}

const UNIFORM_USAGE = 0x80 /* STORAGE */ | 0x8 /* COPY_DST */;
// Dispatches recorded before the encoder is submitted: enough to amortise a submit, few enough
// that the GPU starts working early.
const MAX_PENDING = 64;
/** Threads per workgroup of the element-wise kernels (the shaders' @workgroup_size). */
export const WG = 256;
const MAX_GROUPS = 65535;

export class GpuContext {
  readonly cache: BufferCache;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly paramPool = new Map<number, GPUBuffer[]>();
  private pendingParams: GPUBuffer[] = [];
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private error: string | null = null;
  private readonly scratchBuffers: GPUBuffer[] = [];
  /** How often each labelled kernel variant ran (e.g. 'conv.forward.gemm'): for tests and profiles. */
  readonly tallies = new Map<string, number>();

  /**
   * `owners`: the GPU instance and adapter behind the device, kept reachable as long as the
   * device: Dawn's Node binding crashes when the instance is collected while the device works.
   */
  constructor(readonly device: GPUDevice, readonly owners: readonly object[], reclaimer: Reclaimer<GPUBuffer> | null) {
    const limits = device.limits;
    this.cache = new BufferCache(device, Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize), reclaimer);
    device.addEventListener('uncapturederror', (e) => {
      this.error ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  tally(label: string): void {
    this.tallies.set(label, (this.tallies.get(label) ?? 0) + 1);
  }

  /** A small buffer bound where a kernel's optional input is absent (never written). */
  get dummy(): GPUBuffer {
    return this.smallBuffer(0);
  }

  /** `n` distinct small buffers bound where optional outputs are absent (their contents are junk). */
  scratch(n: number): GPUBuffer[] {
    return Array.from({ length: n }, (_, i) => this.smallBuffer(i + 1));
  }

  private smallBuffer(i: number): GPUBuffer {
    while (this.scratchBuffers.length <= i) this.scratchBuffers.push(this.device.createBuffer({ size: 16, usage: UNIFORM_USAGE }));
    return this.scratchBuffers[i]!;
  }

  private pipeline(wgsl: string): GPUComputePipeline {
    let p = this.pipelines.get(wgsl);
    if (!p) {
      const module = this.device.createShaderModule({ code: wgsl });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(wgsl, p);
    }
    return p;
  }

  private params(words: ArrayBuffer): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
    const buffer = this.paramPool.get(bytes)?.pop() ?? this.device.createBuffer({ size: bytes, usage: UNIFORM_USAGE });
    this.device.queue.writeBuffer(buffer, 0, words);
    this.pendingParams.push(buffer);
    return buffer;
  }

  /**
   * Records one dispatch of `wgsl` (entry point `main`, binding 0 = the parameter words, then
   * `bindings` in order) over `groups` workgroups. A read-only binding whose buffer is also bound
   * for writing is read from a copy: WebGPU forbids a buffer bound writable and readable at once.
   */
  run(wgsl: string, words: ArrayBuffer, bindings: Binding[], groups: [number, number, number]): void {
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const written = new Set(bindings.filter((b) => b.write).map((b) => b.buffer));
    const buffers = bindings.map((b) => (!b.write && written.has(b.buffer) ? this.copyOf(b.buffer) : b.buffer));
    const pipeline = this.pipeline(wgsl);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.params(words) } }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (++this.pending >= MAX_PENDING) this.flush();
  }

  /** Workgroups for `n` threads of WG each: x up to the per-dimension limit, then rows of y. */
  static grid(n: number): [number, number, number] {
    const groups = Math.ceil(n / WG);
    return groups <= MAX_GROUPS ? [groups, 1, 1] : [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
  }

  private copyOf(src: GPUBuffer): GPUBuffer {
    const tmp = this.cache.take(src.size / 4);
    this.closePass();
    this.openEncoder().copyBufferToBuffer(src, 0, tmp.buffer, 0, src.size);
    // Kept alive until the encoder is submitted.
    this.keep.push(tmp);
    return tmp.buffer;
  }

  private keep: GpuStorage[] = [];

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    this.pass ??= this.openEncoder().beginComputePass();
    return this.pass;
  }

  private closePass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.closePass();
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    for (const b of this.pendingParams) {
      let list = this.paramPool.get(b.size);
      if (!list) this.paramPool.set(b.size, (list = []));
      list.push(b);
    }
    this.pendingParams = [];
    this.keep = [];
  }

  /** Zero-fills a buffer (in order with the commands recorded around it). */
  clear(buffer: GPUBuffer): void {
    this.closePass();
    this.openEncoder().clearBuffer(buffer);
  }

  /** Copies host values into the start of a storage (after the commands recorded before). */
  write(s: GpuStorage, values: Float32Array | Int32Array): void {
    // The buffer may have been released and handed out again while earlier commands that use it
    // are still unsubmitted: submit them first, since writeBuffer runs ahead of later submits.
    this.flush();
    if (values.length === 0) return;
    // Dawn takes no SharedArrayBuffer (the threaded wasm backend's memory): copy such views first.
    const src = values.buffer instanceof ArrayBuffer ? values : values.slice();
    this.device.queue.writeBuffer(s.buffer, 0, src.buffer as ArrayBuffer, src.byteOffset, src.length * 4);
  }

  /** The first `size` floats of a storage, once every command recorded before has run. */
  async read(s: GpuStorage, size: number): Promise<Float32Array> {
    const bytes = Math.max(4, size * 4);
    const staging = this.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: 0x1 /* MAP_READ */ | 0x8 /* COPY_DST */ });
    this.closePass();
    this.openEncoder().copyBufferToBuffer(s.buffer, 0, staging, 0, staging.size);
    this.flush();
    // Dawn's Node binding does not keep the event loop alive while a map is pending: a timer does.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await staging.mapAsync(0x1 /* READ */);
    } finally {
      clearInterval(keepAlive);
    }
    const out = new Float32Array(staging.getMappedRange().slice(0, size * 4));
    staging.unmap();
    staging.destroy();
    this.throwIfFailed();
    return out;
  }

  /** Throws the first uncaptured device error since the last check. */
  throwIfFailed(): void {
    const e = this.error;
    if (e !== null) {
      this.error = null;
      throw new Error(`webgpu: the device reported an error: ${e}`);
    }
  }
}
