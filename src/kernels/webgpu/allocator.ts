// GPU buffers for tensor storage: a caching allocator. Requests are rounded up to size classes
// (4 per power of two), freed buffers wait in per-class free lists for the next request of
// their class, and a FinalizationRegistry hands a buffer back once its Storage object is
// unreachable, so users never dispose anything and device memory stays flat over a training run.
// GPU memory never makes V8 collect, so once COLLECT_EVERY bytes were handed out since the last
// collection, a request that finds no free buffer first forces one (Node), getting the dead
// tensors' buffers back before creating more: memory settles at the live set plus about that.
import type { Reclaimer } from '../reclaimer.js';
import type { Storage } from '../storage.js';

export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x4 /* COPY_SRC */ | 0x8 /* COPY_DST */;

/** A tensor's memory on the GPU. */
export class GpuStorage implements Storage {
  readonly device = 'webgpu';
  version = 0;
  private released = false;
  constructor(private readonly held: GPUBuffer, readonly size: number, private readonly cache: BufferCache) {}

  get buffer(): GPUBuffer {
    // The buffer may already hold another tensor's values: a use after release is a bug to report.
    if (this.released) throw new Error(`webgpu: a storage of ${this.size} floats was used after its buffer was released`);
    return this.held;
  }

  release(): void {
    this.released = true;
    this.cache.untrack(this, this.held);
  }
}

/** Bytes of the class a request of `bytes` falls into: multiples of 256 B, then 4 per octave. */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(256, Math.ceil(bytes / 256) * 256);
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  return Math.ceil(bytes / step) * step;
}

// As the wasm heap's interval: memory settles at the live set plus about this much.
const COLLECT_EVERY = 128 * 1024 * 1024;

export class BufferCache {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly registry: FinalizationRegistry<GPUBuffer>;
  private readonly collect: (() => void) | null;
  private takenSinceCollect = 0;
  /** Bytes handed out between forced collections (tests lower it to see memory settle sooner). */
  collectEvery = COLLECT_EVERY;
  /** Bytes of every buffer this cache created and has not destroyed (in use or free). */
  bytesHeld = 0;
  /** Bytes of buffers handed out to storages that are still reachable. */
  bytesInUse = 0;

  constructor(private readonly device: GPUDevice, private readonly maxBytes: number, reclaimer: Reclaimer<GPUBuffer> | null) {
    this.registry = reclaimer?.registry ?? new FinalizationRegistry<GPUBuffer>((b) => this.release(b));
    this.collect = reclaimer?.collect ?? null;
  }

  /** A buffer of at least `size` floats (contents unspecified), owned by the returned storage. */
  take(size: number): GpuStorage {
    const bytes = sizeClass(Math.max(size, 1) * 4);
    if (bytes > this.maxBytes) {
      throw new Error(
        `webgpu: a tensor of ${size} elements needs ${bytes} bytes, above this device's limit of ${this.maxBytes} bytes ` +
          '(maxStorageBufferBindingSize / maxBufferSize)',
      );
    }
    this.takenSinceCollect += bytes;
    let buffer = this.free.get(bytes)?.pop();
    if (!buffer && this.collect && this.takenSinceCollect >= this.collectEvery) {
      this.takenSinceCollect = 0;
      this.collect();
      buffer = this.free.get(bytes)?.pop();
    }
    buffer ??= this.create(bytes);
    this.bytesInUse += bytes;
    const s = new GpuStorage(buffer, size, this);
    this.registry.register(s, buffer, s);
    return s;
  }

  /** Releases `owner`'s buffer now (once: the registry forgets it). */
  untrack(owner: GpuStorage, buffer: GPUBuffer): void {
    if (!this.registry.unregister(owner)) return;
    this.release(buffer);
    // Garbage only the collector can find is what was handed out and not given back.
    this.takenSinceCollect -= buffer.size;
  }

  private create(bytes: number): GPUBuffer {
    this.bytesHeld += bytes;
    return this.device.createBuffer({ size: bytes, usage: STORAGE_USAGE });
  }

  // Commands already recorded keep their own reference to the buffer and run in queue order
  // before anything recorded later, so a released buffer can be handed out again at once.
  release(buffer: GPUBuffer): void {
    const bytes = buffer.size;
    this.bytesInUse -= bytes;
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(buffer);
  }

  /** Destroys the free buffers (after a peak, to give the memory back to the device). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.bytesHeld -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }
}
