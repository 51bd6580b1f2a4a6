// Max/avg pooling 1d/2d/3d (padding, dilation, ceilMode, countIncludePad) and adaptiveAvgPool2d
// against PyTorch: forward values and input gradients.
import { test } from 'node:test';
import { F, type Tensor } from '../../src/index.js';
import { assertClose } from './close.js';
import { fromRef, loadCases, type RefTensor } from './fixtures.js';

type Spatial = number | number[];
interface PoolOptions {
  kernelSize: Spatial; stride?: Spatial; padding: Spatial; dilation?: Spatial; ceilMode: boolean; countIncludePad?: boolean;
}
type PoolCase = { name: string; dims: 1 | 2 | 3; x: RefTensor; gy: RefTensor; y: RefTensor; gx: RefTensor } & (
  | { kind: 'max' | 'avg'; options: PoolOptions }
  | { kind: 'adaptiveAvg'; outputSize: number[] });

const pools = {
  max: { 1: F.maxPool1d, 2: F.maxPool2d, 3: F.maxPool3d },
  avg: { 1: F.avgPool1d, 2: F.avgPool2d, 3: F.avgPool3d },
};

for (const c of loadCases<PoolCase>('pool.json')) {
  test(`golden ${c.name}`, async () => {
    const x = fromRef(c.x, true);
    let y: Tensor;
    if (c.kind === 'adaptiveAvg') y = F.adaptiveAvgPool2d(x, c.outputSize);
    else if (c.kind === 'max') y = pools.max[c.dims](x, c.options);
    else y = pools.avg[c.dims](x, c.options);
    await assertClose(y, c.y, `${c.name} y`);
    y.backward(fromRef(c.gy));
    await assertClose(x.grad, c.gx, `${c.name} grad x`);
  });
}
