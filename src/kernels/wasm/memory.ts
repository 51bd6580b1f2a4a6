// The WebAssembly memory and the JavaScript-side allocator that owns it. Blocks are 64-byte
// aligned and rounded to size classes (4 per octave); freed blocks go to per-class free lists
// and are reused, so a training loop that allocates the same shapes every step stays flat. Before
// a request takes never-used memory, the classes not asked for since the current collection
// interval began give their free blocks up as spare ranges (spare-ranges.ts) that it is cut from,
// so a dropped model's memory serves the next model's shapes.
// Storage objects are reclaimed by a FinalizationRegistry: users never dispose anything.
import type { Reclaimer } from '../reclaimer.js';
import type { CpuStorage } from '../storage.js';
import { SpareRanges } from './spare-ranges.js';

const ALIGN = 64;
const PAGE = 65536;
// Bytes of tensor storage allocated (and not released: see untrack) between two forced
// collections; memory settles at the live set plus about this much. A full collection costs
// ~10 ms: at 64 MB one ran per ResNet-18 inference, at 128 MB one per four or five (2 ms each). Larger still would touch more fresh
// pages first, and a first touch costs ~10 µs per 4 KiB page on this kind of VM.
// It must stay fixed: an interval that grows with the memory feeds back into more growth (seen:
// 1.7 GB for LeNet-5 whose live set is a few MB).
// A collection's cost follows the JavaScript heap (~1 ms per MB here), not the tensors, so the
// lever is less garbage: backward and the ResNet blocks free most activations themselves (see
// autograd/engine.ts). W8 at 256 MB: one collection per 4 steps instead of 2, but RSS 582 MB, not 517.
// Collecting sooner before the memory grows kept W8 at 311 MB reserved instead of 487, but at one
// collection per step instead of 0.4 (16 MB or an eighth of the memory since the last; a quarter
// changed nothing): bench/memory-step.ts.
const COLLECT_EVERY = 128 * 1024 * 1024;

/** Size class of a request: multiples of 64 bytes, then 4 classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const step = Math.max(ALIGN, 2 ** (Math.floor(Math.log2(bytes)) - 2));
  return Math.ceil(bytes / step) * step;
}

export interface Block {
  ptr: number;
  cls: number;
}

export class WasmHeap {
  buffer: ArrayBufferLike;
  private top: number;
  private readonly free = new Map<number, number[]>();
  // Collection intervals so far (COLLECT_EVERY bytes each), and the interval in which each class
  // was last asked for: a class not asked for in the current one gives its free blocks up to
  // `spare` when a request would otherwise take never-used memory.
  private interval = 0;
  private readonly lastAsked = new Map<number, number>();
  private retiredIn = -1;
  private readonly spare = new SpareRanges();
  private readonly registry: FinalizationRegistry<Block>;
  private readonly collect: (() => void) | null;
  private allocatedSinceCollect = 0;
  /** Bytes currently handed out (live storage + scratch), for tests and diagnostics. */
  liveBytes = 0;
  /** Diagnostics (bench/memory-step.ts): the most liveBytes reached, storage bytes allocated and
   * released without a collection (release()), and the collections forced, since creation. */
  readonly counts = { peakLiveBytes: 0, storageBytes: 0, releasedBytes: 0, collections: 0 };
  /** Whether the last alloc returned never-used memory (which WebAssembly guarantees is zero). */
  lastWasFresh = false;
  /** Zeroes a byte range; the module's bulk fill once it is instantiated. */
  zero: (ptr: number, bytes: number) => void = (ptr, bytes) => new Uint8Array(this.buffer, ptr, bytes).fill(0);

  constructor(readonly memory: WebAssembly.Memory, readonly shared: boolean, heapBase: number, reclaimer: Reclaimer<Block> | null) {
    this.buffer = memory.buffer;
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
    const onDead = (b: Block) => this.release(b.ptr, b.cls);
    this.registry = reclaimer?.registry ?? new FinalizationRegistry<Block>(onDead);
    this.collect = reclaimer ? reclaimer.collect : null;
  }

  /** Bytes of WebAssembly memory reserved so far. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes left above the highest block before the memory must grow (free lists aside). */
  get headroom(): number {
    return this.buffer.byteLength - this.top;
  }

  /** Called by the registry for a Storage that became unreachable. */
  release(ptr: number, cls: number): void {
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(ptr);
    this.liveBytes -= cls;
  }

  /**
   * A block of at least `bytes` (64-byte aligned), not zeroed. Returns its byte address.
   * Kernel scratch passes mayCollect = false: during a kernel call the views it was given may
   * belong to Storage objects that are already unreachable, and a collection would recycle them.
   */
  alloc(bytes: number, mayCollect = true): number {
    const cls = sizeClass(bytes);
    const kept = mayCollect ? undefined : this.keeping?.free.get(cls)?.pop();
    if (kept !== undefined) return kept;
    // Only storage can become garbage; kernel scratch is released explicitly.
    if (mayCollect) {
      this.allocatedSinceCollect += cls;
      this.counts.storageBytes += cls;
    }
    this.lastWasFresh = false;
    this.lastAsked.set(cls, this.interval);
    const reused = this.fromFreeLists(cls);
    if (reused >= 0) return reused;
    // Before taking never-used memory (whose first touch costs ~16 µs per 4 KiB page here, and
    // which may mean growing), get dead tensors back once enough was allocated since the last
    // try that a full collection (milliseconds) pays for itself: at most once per COLLECT_EVERY.
    // Not only when the memory must grow: after a big model dies, its headroom would otherwise be
    // walked through page by page first.
    if (mayCollect && this.allocatedSinceCollect >= COLLECT_EVERY) {
      this.allocatedSinceCollect = 0;
      this.interval++;
      this.lastAsked.set(cls, this.interval);
      if (this.collect) {
        this.counts.collections++;
        this.collect();
        const again = this.fromFreeLists(cls);
        if (again >= 0) return again;
      }
    }
    const cut = this.fromSpare(cls);
    if (cut >= 0) return cut;
    if (this.top + cls > this.buffer.byteLength) this.grow(this.top + cls - this.buffer.byteLength);
    const ptr = this.top;
    this.top += cls;
    this.taken(cls);
    this.lastWasFresh = true;
    return ptr;
  }

  // The exact class only: blocks are released under the class of the request (track() and
  // releaseBytes() recompute it from the size), so a block handed out for a smaller class would
  // come back one class smaller each time and memory would fragment without bound.
  private fromFreeLists(cls: number): number {
    const list = this.free.get(cls);
    if (!list || list.length === 0) return -1;
    this.taken(cls);
    return list.pop()!;
  }

  // A block cut from the free memory of classes not asked for in this interval (a dropped model's:
  // they would otherwise stay reserved for shapes that never come back while the new model's
  // classes take never-used memory). It is released under its own class like any other. W8 then
  // W4 then W3 in one process (bench/memory-step.ts, 40 steps each, 1 thread): W4 1,925 → 774 page
  // faults a step, W3 365 → 5, 950 → 608 MB reserved; W8 or W4 alone unchanged (same faults and
  // reservation: a settled loop never gets here, as only a request that would take never-used
  // memory does).
  private fromSpare(cls: number): number {
    if (this.retiredIn !== this.interval) {
      this.retiredIn = this.interval;
      const blocks: { ptr: number; bytes: number }[] = [];
      for (const [c, list] of this.free) {
        if (list.length === 0 || this.lastAsked.get(c) === this.interval) continue;
        for (const ptr of list) blocks.push({ ptr, bytes: c });
        list.length = 0;
      }
      this.spare.add(blocks);
    }
    const ptr = this.spare.take(cls);
    if (ptr >= 0) this.taken(cls);
    return ptr;
  }

  private taken(cls: number): void {
    this.liveBytes += cls;
    if (this.liveBytes > this.counts.peakLiveBytes) this.counts.peakLiveBytes = this.liveBytes;
  }

  private grow(needBytes: number): void {
    const have = this.buffer.byteLength / PAGE;
    // Grow by at least a quarter so that growth (and the GC before it) stays rare.
    const pages = Math.max(Math.ceil(needBytes / PAGE), Math.ceil(have / 4), 16);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new Error(`wasm backend: out of WebAssembly memory (have ${this.buffer.byteLength} bytes, ` +
        `need ${needBytes} more): ${(e as Error).message}`);
    }
    this.buffer = this.memory.buffer;
  }

  /** A block whose lifetime follows `owner`: released when owner is garbage collected. */
  track(owner: object, ptr: number, bytes: number): void {
    this.registry.register(owner, { ptr, cls: sizeClass(bytes) }, owner);
  }

  /** Releases `owner`'s tracked block now (once: the registry forgets it). */
  untrack(owner: object, ptr: number, bytes: number): void {
    this.untrackAll(owner, [[ptr, bytes]]);
  }

  /** Releases now the blocks tracked for `owner`, all of them ([ptr, bytes] as tracked): the
   * registry forgets an owner's registrations together. */
  untrackAll(owner: object, blocks: readonly (readonly [number, number])[]): void {
    if (!this.registry.unregister(owner)) return;
    for (const [ptr, bytes] of blocks) {
      const cls = sizeClass(bytes);
      this.release(ptr, cls);
      // Garbage only the collector can find is what was allocated and not given back.
      this.allocatedSinceCollect -= cls;
      this.counts.releasedBytes += cls;
    }
  }

  /** Releases a scratch block obtained from alloc (to keepScratch's own blocks while it runs). */
  releaseBytes(ptr: number, bytes: number): void {
    const k = this.keeping;
    if (!k) return this.release(ptr, sizeClass(bytes));
    const cls = sizeClass(bytes);
    let list = k.free.get(cls);
    if (!list) k.free.set(cls, (list = []));
    list.push(ptr);
    k.kept.set(ptr, bytes);
  }

  // While keepScratch runs: the scratch it gave back, by class, for its next requests, and all it kept.
  private keeping: { free: Map<number, number[]>; kept: Map<number, number> } | null = null;

  /**
   * Runs fn keeping the scratch blocks it gives back allocated, and returns them ([ptr, bytes]).
   * Its later scratch requests reuse them (as they would reuse the free lists' blocks): a series
   * of kernel calls keeps the scratch of the largest, not of all, and touches it while it is cached.
   */
  keepScratch(fn: () => void): [number, number][] {
    if (this.keeping) throw new Error('WasmHeap.keepScratch: already keeping');
    const k = this.keeping = { free: new Map<number, number[]>(), kept: new Map<number, number>() };
    try {
      fn();
    } finally {
      this.keeping = null;
    }
    return [...k.kept];
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.buffer, ptr, length);
  }
}

/** Tensor storage inside the WebAssembly memory; its view follows the memory when it grows. */
export class WasmStorage implements CpuStorage {
  readonly device = 'cpu';
  version = 0;
  private view: Float32Array;
  private released = false;

  constructor(private readonly heap: WasmHeap, readonly ptr: number, readonly size: number) {
    this.view = heap.f32(ptr, size);
  }

  get data(): Float32Array {
    // The block may already hold another tensor's values: a use after release is a bug to report.
    if (this.released) throw new Error(`wasm backend: a storage of ${this.size} floats was used after its memory was released`);
    if (this.view.buffer !== this.heap.buffer) this.view = this.heap.f32(this.ptr, this.size);
    return this.view;
  }

  release(): void {
    this.released = true;
    this.heap.untrack(this, this.ptr, storageBytes(this.size));
  }
}

const storageBytes = (size: number) => Math.max(size, 1) * 4;

/** Storage of `size` floats (zero-filled if `zeroed`), reclaimed when the Storage object is collected. */
export function allocStorage(heap: WasmHeap, size: number, zeroed: boolean): WasmStorage {
  const bytes = storageBytes(size);
  const ptr = heap.alloc(bytes);
  if (zeroed && !heap.lastWasFresh) heap.zero(ptr, bytes);
  const s = new WasmStorage(heap, ptr, size);
  heap.track(s, ptr, bytes);
  return s;
}
