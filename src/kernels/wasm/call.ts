// Passing typed arrays to WebAssembly: a view that already lies in the module's memory is used
// in place (its byteOffset is the pointer); anything else is copied into a temporary block and,
// when the kernel writes it, copied back. Every array is classified before anything is
// allocated, because an allocation may grow the memory and detach (non-shared) views.
import type { WasmHeap } from './memory.js';

export const READ = 1;
export const WRITE = 2;
export const READ_WRITE = 3;

type View = Float32Array | Int32Array;

interface Copy {
  src: View;
  ptr: number;
  mode: number;
}

export class Call {
  readonly ptrs: number[] = [];
  private readonly copies: Copy[] = [];
  private readonly temps: [number, number][] = [];

  /** arrays[i] is accessed as modes[i]; null arrays get pointer 0. */
  constructor(private readonly heap: WasmHeap, arrays: readonly (View | null)[], modes: readonly number[]) {
    const buf = heap.buffer;
    const foreign: number[] = [];
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i];
      if (!a) this.ptrs.push(0);
      else if (a.buffer === buf) this.ptrs.push(a.byteOffset);
      else {
        this.ptrs.push(-1);
        foreign.push(i);
      }
    }
    for (const i of foreign) {
      const a = arrays[i]!;
      const ptr = this.scratch(a.length * 4);
      this.ptrs[i] = ptr;
      this.copies.push({ src: a, ptr, mode: modes[i]! });
    }
  }

  /** A temporary block for the kernel, released by end(). */
  scratch(bytes: number): number {
    const ptr = this.heap.alloc(Math.max(bytes, 4), false);
    this.temps.push([ptr, Math.max(bytes, 4)]);
    return ptr;
  }

  /** Copies inputs in; call after the last scratch(), right before the kernel runs. */
  begin(): this {
    for (const c of this.copies) if (c.mode & READ) this.view(c).set(c.src);
    return this;
  }

  private view(c: Copy): View {
    return c.src instanceof Int32Array ? this.heap.i32(c.ptr, c.src.length) : this.heap.f32(c.ptr, c.src.length);
  }

  /** Copies outputs back and frees the temporary blocks. */
  end(): void {
    for (const c of this.copies) if (c.mode & WRITE) c.src.set(this.view(c));
    for (const [ptr, bytes] of this.temps) this.heap.releaseBytes(ptr, bytes);
  }
}
