// Loading the PyTorch fixtures written by scripts/golden/make_fixtures.py.
import { readFileSync } from 'node:fs';
import { setBackend, tensor, type Tensor } from '../../src/index.js';

// The suite runs on the backend the package picks, or the one named here:
// STRIATE_BACKEND=ref node scripts/run-tests.mjs test/golden
const wanted = process.env['STRIATE_BACKEND'];
if (wanted === 'ref' || wanted === 'wasm') setBackend(wanted);
else if (wanted) throw new Error(`STRIATE_BACKEND must be 'ref' or 'wasm', got '${wanted}'`);

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
  return tensor(ref.data, ref.shape, { requiresGrad });
}

export function fromRefOrNull(ref: RefTensor | null, requiresGrad = false): Tensor | null {
  return ref ? fromRef(ref, requiresGrad) : null;
}
