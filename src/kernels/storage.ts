// What a tensor's memory is, for every backend: a device and a size. CPU backends (ref, wasm) add
// a Float32Array view; the WebGPU backend keeps a GPU buffer. Kernels receive these handles, so one
// Kernels interface serves every device.

export type Device = 'cpu' | 'webgpu';

export const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** A tensor's memory; the backend reclaims it once the Storage object is unreachable. */
export interface Storage {
  readonly device: Device;
  /** float32 elements (an int32 storage, e.g. pooling's argmax, has the same count of 4-byte slots). */
  readonly size: number;
  /**
   * PyTorch's `_version`: bumped by every in-place write (the ops that update a tensor in place,
   * loading, and each hand-out of a writable `.data` view). Values derived from the storage and
   * kept across calls (the wasm backend's transformed weights) are valid while it is unchanged.
   */
  version: number;
  /**
   * Gives the memory back now rather than when the object is collected, for a value nothing else
   * can reach (the autograd engine's intermediate gradients); any later use of the storage throws.
   * Backends whose memory the JavaScript collector already sees may leave it out.
   */
  release?(): void;
}

/**
 * CPU memory. `data` is a view that stays valid until the next allocation on the same backend
 * (WebAssembly memory may grow and move); read it again after allocating.
 */
export interface CpuStorage extends Storage {
  readonly device: 'cpu';
  readonly data: Float32Array;
}

export function isCpuStorage(s: Storage): s is CpuStorage {
  return s.device === 'cpu';
}

/** The same 4-byte slots read as int32 (class indices, argmax positions). */
export function int32View(s: CpuStorage): Int32Array {
  const d = s.data;
  return new Int32Array(d.buffer, d.byteOffset, s.size);
}
