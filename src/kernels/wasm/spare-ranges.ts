// Free address ranges of the WebAssembly memory that belong to no size class: the blocks of
// classes nobody has asked for lately (a dropped model's), merged with their neighbours so that a
// new model's classes can be cut from them (memory.ts). Kept sorted by address.

interface Range {
  ptr: number;
  bytes: number;
}

export class SpareRanges {
  private ranges: Range[] = [];

  /** Bytes held in all ranges. */
  get bytes(): number {
    return this.ranges.reduce((s, r) => s + r.bytes, 0);
  }

  /** Adds blocks, merging each with the ranges it touches. */
  add(blocks: readonly Range[]): void {
    if (blocks.length === 0) return;
    const all = [...this.ranges, ...blocks].sort((a, b) => a.ptr - b.ptr);
    const merged: Range[] = [];
    for (const r of all) {
      const last = merged[merged.length - 1];
      if (last && last.ptr + last.bytes === r.ptr) last.bytes += r.bytes;
      else merged.push({ ...r });
    }
    this.ranges = merged;
  }

  /** Cuts `bytes` from the front of the smallest range that holds them: its address, or -1. */
  take(bytes: number): number {
    let best = -1;
    for (let i = 0; i < this.ranges.length; i++) {
      const r = this.ranges[i]!;
      if (r.bytes >= bytes && (best < 0 || r.bytes < this.ranges[best]!.bytes)) best = i;
    }
    if (best < 0) return -1;
    const r = this.ranges[best]!;
    const ptr = r.ptr;
    r.ptr += bytes;
    r.bytes -= bytes;
    if (r.bytes === 0) this.ranges.splice(best, 1);
    return ptr;
  }
}
