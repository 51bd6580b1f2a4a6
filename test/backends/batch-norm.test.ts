// Batch norm's backward where gx is a small difference of its terms: a gradient nearly affine in
// x̂ per channel (a loss nearly linear in the normalised output), where the native kernel must
// take f64 for gx, beside a channel of an ordinary gradient (f32) in the same call. Each channel
// is held to the tolerance on its own: over the whole array, the largest channel's |gx| hides
// the others' errors.
import { test } from 'node:test';
import { assertClose, data, forEachImpl, refKernels, rng } from './harness.js';

test('batch norm backward matches the reference where gx nearly cancels (gradient affine in x̂)', async () => {
  const r = rng(17);
  for (const [batch, channels, spatial] of [[4, 3, 32], [2, 4, 36], [8, 2, 64]]) {
    const p = { batch: batch!, channels: channels!, spatial: spatial! };
    const n = batch! * channels! * spatial!;
    const x = data(r, n).map((v, i) => v * 2 + (Math.floor(i / spatial!) % channels!));
    const slope = data(r, channels!), offset = data(r, channels!), noise = data(r, n);
    // Affine in x plus noise, channel by channel 1, 0.1 and 0.01 of it: gx as small. (The sums run
    // in f32 blocks, about 1e-7 of the terms: from 1e-3, gx drifts from the f64 reference by
    // 1e-4 of itself.)
    const gy = x.map((v, i) => {
      const c = Math.floor(i / spatial!) % channels!;
      return offset[c]! + slope[c]! * v + 10 ** -(c % 3) * noise[i]!;
    });
    const weight = data(r, channels!);
    const mean = new Float32Array(channels!), variance = new Float32Array(channels!);
    refKernels.batchNormStats(x, mean, variance, p);
    const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    const gx = new Float32Array(n), gw = new Float32Array(channels!), gb = new Float32Array(channels!);
    refKernels.batchNormBackward(x, gy, mean, invStd, weight, gx, gw, gb, true, p);
    // Channel by channel: the tolerance's absolute part scales with each channel's largest |gx|.
    const channel = (a: Float32Array, c: number) =>
      Float32Array.from({ length: batch! * spatial! }, (_, j) => a[(Math.floor(j / spatial!) * channels! + c) * spatial! + (j % spatial!)]!);
    await forEachImpl(async (impl) => {
      const gxo = impl.place(new Float32Array(n)), gwo = impl.place(new Float32Array(channels!));
      const gbo = impl.place(new Float32Array(channels!));
      impl.kernels.batchNormBackward(impl.place(x), impl.place(gy), impl.place(mean), impl.place(invStd),
        impl.place(weight), gxo, gwo, gbo, true, p);
      const got = await impl.read(gxo);
      for (let c = 0; c < channels!; c++) {
        assertClose(channel(got, c), channel(gx, c), `${impl.name} batchNormBackward gx ${JSON.stringify([batch, channels, spatial])} channel ${c}`);
      }
      assertClose(await impl.read(gwo), gw, `${impl.name} batchNormBackward gWeight`);
      assertClose(await impl.read(gbo), gb, `${impl.name} batchNormBackward gBias`);
    });
  }
});

test('batch norm statistics match the reference when a channel\'s first value lies far from its mean', async () => {
  const r = rng(23);
  for (const [batch, channels, spatial] of [[4, 3, 32], [64, 1, 1024]]) {
    const p = { batch: batch!, channels: channels!, spatial: spatial! };
    const n = batch! * channels! * spatial!;
    // Each channel's first value (the native kernel's shift) 1000 off a unit normal: its squares
    // summed in f32 blocks would lose about 1e-7·1000² per value, of a variance 1 + 1000²/M.
    const x = data(r, n).map((v, i) => (i < channels! * spatial! && i % spatial! === 0 ? v + 1000 : v));
    const mean = new Float32Array(channels!), variance = new Float32Array(channels!);
    refKernels.batchNormStats(x, mean, variance, p);
    await forEachImpl(async (impl) => {
      const mo = impl.place(new Float32Array(channels!)), vo = impl.place(new Float32Array(channels!));
      impl.kernels.batchNormStats(impl.place(x), mo, vo, p);
      assertClose(await impl.read(mo), mean, `${impl.name} batchNormStats mean ${JSON.stringify([batch, channels, spatial])}`);
      assertClose(await impl.read(vo), variance, `${impl.name} batchNormStats variance ${JSON.stringify([batch, channels, spatial])}`);
    });
  }
});
