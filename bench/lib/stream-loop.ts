// The plainest read of memory WebAssembly can do: sum(p, end) adds the f32 lanes of [p, end) in
// v128 loads, four independent accumulators, no other work (end − p a multiple of 64). What a
// memory-bound kernel (the batch-1 dense layers' matrix-vector products) can at best reach.
import asc from 'assemblyscript/asc';

const SOURCE = `
export function sum(p: usize, end: usize): f32 {
  let a = f32x4.splat(0), b = a, c = a, d = a;
  for (; p < end; p += 64) {
    a = f32x4.add(a, v128.load(p)); b = f32x4.add(b, v128.load(p, 16));
    c = f32x4.add(c, v128.load(p, 32)); d = f32x4.add(d, v128.load(p, 48));
  }
  const s = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}`;

export interface StreamLoop { sum(p: number, end: number): number }

/** The loop's module, importing a memory (`env.memory`, shared or not). */
export async function streamLoopModule(shared: boolean): Promise<WebAssembly.Module> {
  const { binary, stderr } = await asc.compileString(SOURCE, {
    optimizeLevel: 3, noAssert: true, runtime: 'stub', importMemory: true, sharedMemory: shared,
    initialMemory: 1, maximumMemory: 65536, enable: shared ? ['simd', 'threads'] : ['simd'],
  } as never);
  if (!binary) throw new Error(`stream loop: compile failed: ${stderr.toString()}`);
  return new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
}

export function streamLoop(module: WebAssembly.Module, memory: WebAssembly.Memory): StreamLoop {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as StreamLoop;
}
