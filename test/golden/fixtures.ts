// Loading the PyTorch fixtures written by scripts/golden/make_fixtures.py.
import { readFileSync } from 'node:fs';
import { setBackend, tensor, type Device, type Tensor } from '../../src/index.js';
import { openTestWebGpu } from '../webgpu-device.js';

// The suite runs on the backend the package picks, or the one named here:
// STRIATE_BACKEND=ref node scripts/run-tests.mjs test/golden
// or on the WebGPU device (test/webgpu/golden.test.ts runs it so): STRIATE_DEVICE=webgpu
const wanted = process.env['STRIATE_BACKEND'];
if (wanted === 'ref' || wanted === 'wasm') setBackend(wanted);
else if (wanted) throw new Error(`STRIATE_BACKEND must be 'ref' or 'wasm', got '${wanted}'`);
const wantedDevice = process.env['STRIATE_DEVICE'] ?? 'cpu';
if (wantedDevice !== 'cpu' && wantedDevice !== 'webgpu') throw new Error(`STRIATE_DEVICE must be 'cpu' or 'webgpu', got '${wantedDevice}'`);
if (wantedDevice === 'webgpu' && !(await openTestWebGpu())) throw new Error('STRIATE_DEVICE=webgpu, but no WebGPU adapter opened');
/** The device every fixture tensor is created on. */
export const goldenDevice: Device = wantedDevice;

/** A tensor as the fixtures store it: row-major values and a shape. */
export interface RefTensor {
  shape: number[];
  data: number[];
}

export interface Fixture<C> {
  generator: string;
  torch: string;
  cases: C[];
}

/** The cases of test/fixtures/golden/<name>. */
export function loadCases<C extends { name: string }>(name: string): C[] {
  const url = new URL(`../fixtures/golden/${name}`, import.meta.url);
  const fixture = JSON.parse(readFileSync(url, 'utf8')) as Fixture<C>;
  if (!Array.isArray(fixture.cases) || fixture.cases.length === 0) throw new Error(`${name}: no cases`);
  return fixture.cases;
}

/** A fresh leaf tensor holding the reference values. */
export function fromRef(ref: RefTensor, requiresGrad = false): Tensor {
  return tensor(ref.data, ref.shape, { requiresGrad, device: goldenDevice });
}

export function fromRefOrNull(ref: RefTensor | null, requiresGrad = false): Tensor | null {
  return ref ? fromRef(ref, requiresGrad) : null;
}
